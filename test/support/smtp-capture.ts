/** The SMTP capture peer lives in scripts/ so that `npm run demo` shares it with the tests. */
export {
  type CapturedEnvelope,
  type CapturedMessage,
  type ScriptedEvent,
  type ScriptedResponse,
  type SmtpCapture,
  type SmtpCaptureOptions,
  type SmtpStage,
  startSmtpCapture,
} from '../../scripts/smtp-capture.js';

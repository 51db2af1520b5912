/** Prints what the pipeline reads in one fixture: new text, sentences, and the line. Dev aid. */
import { readFileSync } from 'node:fs';
import { createPipeline } from '../src/pipeline/offline-pipeline.js';
import { createReader } from '../src/reader/read-message.js';
import { PIPELINE_TEST_OPTIONS } from '../test/support/labelled.js';

const reader = createReader({ ownAddresses: PIPELINE_TEST_OPTIONS.ownAddresses });
const pipeline = createPipeline(PIPELINE_TEST_OPTIONS);
for (const file of process.argv.slice(2)) {
  const raw = readFileSync(file);
  const { message } = await reader.read(raw);
  const line = await pipeline.process(raw, file);
  console.log(`===== ${file}\n--- new text\n${message.newText}\n--- line`);
  const { evidence: _e, file: _f, ...rest } = line;
  console.log(JSON.stringify(rest));
}

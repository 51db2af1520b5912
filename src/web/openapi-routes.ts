import type { FastifyInstance } from 'fastify';
import { openApiDocument } from './openapi.js';

/** `GET /api/openapi.json`: built once per app (the schemas do not change while it runs), protected. */
export function registerOpenApiRoutes(app: FastifyInstance): void {
  const document = openApiDocument();
  app.get('/api/openapi.json', async () => document);
}

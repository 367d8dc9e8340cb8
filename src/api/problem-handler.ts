// Answers every error of the API app as application/problem+json (RFC 9457), and unknown routes
// as route_not_found. Details of 5xx errors go to the log only.
import type { FastifyInstance, FastifyReply } from 'fastify';
import { buildProblem, problemFromError, type Problem } from './errors.js';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function sendProblem(reply: FastifyReply, problem: Problem): FastifyReply {
  return reply.code(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err, req, reply) => {
    const problem = problemFromError(err);
    if (problem.status >= 500) req.log.error({ err, code: problem.code }, 'request failed');
    else req.log.info({ code: problem.code, status: problem.status }, 'request refused');
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((_req, reply) => sendProblem(reply, buildProblem('route_not_found')));
}

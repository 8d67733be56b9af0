export type DomainErrorCode =
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'INVALID_INPUT'
  | 'PRECONDITION_FAILED'
  | 'CONFIRMATION_REQUIRED';

export type RuleId = `R${number}`;

/** A refused command: nothing was appended. The message is written for the person who asked. */
export class DomainError extends Error {
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    readonly rule?: RuleId,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export const forbidden = (rule: RuleId, message: string) =>
  new DomainError('FORBIDDEN', message, rule);
export const notFound = (message: string, rule?: RuleId) =>
  new DomainError('NOT_FOUND', message, rule);
export const conflict = (message: string, rule?: RuleId) =>
  new DomainError('CONFLICT', message, rule);
export const invalidInput = (message: string, rule?: RuleId, details?: Record<string, unknown>) =>
  new DomainError('INVALID_INPUT', message, rule, details);
export const preconditionFailed = (rule: RuleId, message: string) =>
  new DomainError('PRECONDITION_FAILED', message, rule);

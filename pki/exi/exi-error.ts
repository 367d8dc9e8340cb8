// The one error type of the EXI codec. Hostile or unsupported input always ends here, never in a
// RangeError, a hang or an unbounded allocation. `code` is a closed union for exhaustive mapping.
export type ExiErrorCode =
  | 'TRUNCATED' // the stream ended inside an event, a value or the header
  | 'BAD_HEADER' // not the EXI 1.0 header "80" (distinguishing bits, no options, final version 1)
  | 'BAD_EVENT_CODE' // an event code outside the grammar state's productions
  | 'UNSUPPORTED_EVENT' // a legal EXI event this codec does not model (second-level events, other bodies)
  | 'BAD_VALUE' // a value that breaks its datatype (code point, string-table id, enumeration index)
  | 'TRAILING_DATA' // more than the zero padding after the end of the document
  | 'LIMIT_EXCEEDED' // a length or integer beyond what the stream or the schema can hold
  | 'INVALID_MESSAGE'; // encode side: the typed message cannot be expressed in the grammar

export class ExiError extends Error {
  override readonly name = 'ExiError';
  constructor(
    readonly code: ExiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// Encoding takes typed objects from our own callers; a value of the wrong runtime type (a number
// where a bigint belongs) must still surface as the codec's error, not as a TypeError.
export const asExiError = (error: unknown): ExiError =>
  error instanceof ExiError ? error : new ExiError('INVALID_MESSAGE', error instanceof Error ? error.message : String(error));

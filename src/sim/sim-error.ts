// The simulator's one error type. The CLI maps codes to exit status; tests match on `code`.

export type SimErrorCode =
  | 'SIM_CONNECT_FAILED' // the WebSocket handshake failed (refused, HTTP status, no subprotocol)
  | 'SIM_NOT_CONNECTED' // a CALL was attempted with no open connection
  | 'SIM_CLOSED' // the connection closed, or the station was stopped, while a CALL waited
  | 'SIM_TIMEOUT' // no CALLRESULT/CALLERROR within the response timeout
  | 'SIM_BAD_ANSWER' // the CSMS answered with something the station cannot use
  | 'SIM_SCRIPT_INVALID' // a script file failed to load or validate; `problems` lists why
  | 'SIM_OPTIONS_INVALID'; // command-line options or environment failed to validate

export class SimError extends Error {
  constructor(
    readonly code: SimErrorCode,
    message: string,
    readonly problems: readonly string[] = [],
  ) {
    super(message);
    this.name = 'SimError';
  }
}

// OCPP 2.0.1 payload types for the CSMS handlers: the generated types, under a shorter import path.
export type * from '../ocpp/types/ocpp201.js';

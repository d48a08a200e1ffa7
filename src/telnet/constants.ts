/** Telnet command bytes (RFC 854) and the options fencekit meets on the wire. */
export const IAC = 255;
export const DONT = 254;
export const DO = 253;
export const WONT = 252;
export const WILL = 251;
export const SB = 250;
export const GA = 249;
export const NOP = 241;
export const SE = 240;

export const Option = {
  BINARY: 0,
  ECHO: 1,
  SGA: 3,
  STATUS: 5,
  TTYPE: 24,
  NAWS: 31,
  TSPEED: 32,
  LFLOW: 33,
  LINEMODE: 34,
  ENCRYPT: 38,
  NEW_ENVIRON: 39,
} as const;

/** TTYPE subnegotiation verbs (RFC 1091). */
export const TTYPE_IS = 0;
export const TTYPE_SEND = 1;

import type { Category } from '../../model/finding.js';

/** Keyword rules, first match wins: specific causes (credentials, OOM) before generic ones (timeouts, 5xx). */
const rules: [Category, RegExp][] = [
  ['permissions', /\b(401|403)\b|unauthori[sz]ed|unauthenticated|forbidden|permission|access ?denied|credential|authenticat|not authori[sz]ed|invalid (api )?(token|key)|token expired|expired ?token|login failed|invalidclienttokenid|signaturedoesnotmatch/i],
  ['resource', /\boom(killed)?\b|out ?of ?memory|memory limit|heap space|cannot allocate memory|bad_alloc|memoryerror|exit code 137|sigkill|\bkilled\b|evicted|no space left|disk (full|quota)|quota exceeded|resource exhausted|too many open files/i],
  ['configuration', /missing (config|configuration|env|environment|variable|setting|secret)|not configured|env(ironment)? var(iable)?\b.*(not set|missing|undefined)|no such (config|file or directory)|config(uration)? (error|invalid)/i],
  ['timeout', /timed? ?out|timeout|deadline[ _]?exceeded/i],
  ['connectivity', /connection (refused|reset|closed)|econnrefused|econnreset|enotfound|ehostunreach|unreachable|name resolution|no such host|dns|socket hang up|no route to host|tls handshake/i],
  ['external_service', /\b5\d\d\b|bad gateway|service unavailable|internal server error|upstream|\b429\b|too many requests|rate.?limit|throttl/i],
  // Exception types that mean a bug, before the data keywords their messages often contain.
  ['logic', /typeerror|referenceerror|nullpointer|attributeerror|indexerror|zerodivision|is not a function|panic/i],
  ['data', /validat|schema|pars(e|ing)|malformed|invalid (input|value|format|json|record|row)|unexpected token|constraint|duplicate key|does not match|unmarshal|decode error|jsondecodeerror|valueerror/i],
  ['logic', /null|undefined|assert|index out of range|keyerror/i],
];

/** A service's answer that the caller sends too much, not that the service is down. */
export const RATE_LIMITED = /\b429\b|too many requests|rate.?limit|throttl/i;

/**
 * The category of an error from its template, type and message; undefined when no keyword tells (a bare "exit
 * code 1"), which the detectors then take for `logic`.
 */
export function categorise(...texts: (string | undefined)[]): Category | undefined {
  const text = texts.filter(Boolean).join(' ');
  return rules.find(([, re]) => re.test(text))?.[0];
}

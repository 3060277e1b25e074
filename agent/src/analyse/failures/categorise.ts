import type { Category } from '../../model/finding.js';

/** Keyword rules, first match wins: specific causes (credentials, OOM) before generic ones (timeouts, 5xx). */
const rules: [Category, RegExp][] = [
  ['permissions', /\b(401|403)\b|unauthori[sz]ed|forbidden|permission|access denied|credential|authenticat|not authori[sz]ed|invalid (api )?(token|key)|token expired|expired token/i],
  ['resource', /\boom(killed)?\b|out of memory|memory limit|exit code 137|\bkilled\b|no space left|disk (full|quota)|quota exceeded|resource exhausted|too many open files/i],
  ['configuration', /missing (config|configuration|env|environment|variable|setting|secret)|not configured|env(ironment)? var(iable)?\b.*(not set|missing|undefined)|no such (config|file or directory)|config(uration)? (error|invalid)/i],
  ['timeout', /timed? ?out|timeout|deadline exceeded|deadlineexceeded/i],
  ['connectivity', /connection (refused|reset|closed)|econnrefused|econnreset|enotfound|ehostunreach|unreachable|name resolution|dns|socket hang up|network is unreachable|no route to host|tls handshake/i],
  ['external_service', /\b5\d\d\b|bad gateway|service unavailable|internal server error|gateway timeout|upstream/i],
  ['data', /validat|schema|parse|parsing|malformed|invalid (input|value|format|json|record|row)|unexpected token|constraint|duplicate key|does not match/i],
  ['logic', /typeerror|referenceerror|null|undefined|is not a function|nullpointer|assert|panic|index out of range|keyerror|attributeerror/i],
];

/** The category of an error from its template, type and message. */
export function categorise(...texts: (string | undefined)[]): Category | undefined {
  const text = texts.filter(Boolean).join(' ');
  return rules.find(([, re]) => re.test(text))?.[0];
}

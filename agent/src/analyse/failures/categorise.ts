import type { Category } from '../../model/finding.js';

/**
 * A service's answer that the caller sends too much, not that the service is down or refuses the caller: GitHub
 * answers its rate limits with a 403, Google's quotas per minute with a 429. A bare 429 is often a duration or a
 * count ("after 429 ms"): it tells only beside a status word.
 */
export const RATE_LIMITED =
  /\b(?:HTTP|status|code)\W{0,3}429\b|\b429\W{0,3}(?:too many|quota|rate)|too many requests|\brate[\s_-]?limit(?!er)|\brate exceeded|throttlingexception|\brequests? (?:was |were |are |is )?throttled|reduce your request rate|\brequests per (?:second|minute|hour)\b/i;

/** Keyword rules, first match wins: specific causes (a rate limit, credentials, OOM) before generic ones (timeouts, 5xx). */
const rules: [Category, RegExp][] = [
  ['external_service', RATE_LIMITED],
  ['permissions', /\b(401|403)\b|unauthori[sz]ed|unauthenticated|forbidden|permission|access ?denied|credential|authenticat|not authori[sz]ed|invalid (api )?(token|key)|token expired|expired ?token|login failed|invalidclienttokenid|signaturedoesnotmatch/i],
  ['resource', /\boom(killed)?\b|out ?of ?memory|memory limit|heap space|cannot allocate memory|bad_alloc|memoryerror|exit code 137|sigkill|\bkilled\b|evicted|no space left|disk (full|quota)|quota exceeded|resource exhausted|too many open files/i],
  ['configuration', /missing (config|configuration|env|environment|variable|setting|secret)|not configured|env(ironment)? var(iable)?\b.*(not set|missing|undefined)|no such (config|file or directory)|config(uration)? (error|invalid)/i],
  ['timeout', /timed? ?out|timeout|deadline[ _]?exceeded/i],
  ['connectivity', /connection (refused|reset|closed)|econnrefused|econnreset|\benotfound\b|ehostunreach|unreachable|name resolution|no such host|dns|socket hang up|no route to host|tls handshake/i],
  ['external_service', /\b5\d\d\b|bad gateway|service unavailable|internal server error|upstream/i],
  // Exception types that mean a bug, before the data keywords their messages often contain.
  ['logic', /typeerror|referenceerror|nullpointer|attributeerror|indexerror|zerodivision|is not a function|panic/i],
  ['data', /validat|schema|pars(e|ing)|malformed|invalid (input|value|format|json|record|row)|unexpected token|constraint|duplicate key|does not match|unmarshal|decode error|jsondecodeerror|valueerror/i],
  ['logic', /null|undefined|assert|index out of range|keyerror/i],
];


/**
 * The category of an error from its template, type and message; undefined when no keyword tells (a bare "exit
 * code 1"), which the detectors then take for `logic`.
 */
export function categorise(...texts: (string | undefined)[]): Category | undefined {
  const text = texts.filter(Boolean).join(' ');
  return rules.find(([, re]) => re.test(text))?.[0];
}

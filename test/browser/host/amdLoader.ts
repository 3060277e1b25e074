/**
 * The part of SystemJS's AMD extra that Grafana relies on to load a plugin: run `module.js`, whose `define(deps,
 * factory)` names the shared packages it expects, hand it Grafana's instances of them, and return its exports.
 */
type Factory = (...deps: unknown[]) => unknown;

declare global {
  interface Window {
    define?: ((deps: string[] | Factory, factory?: Factory) => void) & { amd?: object };
  }
}

export function loadAmdModule(url: string, shared: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const define = (depsOrFactory: string[] | Factory, maybeFactory?: Factory) => {
      const [deps, factory] = Array.isArray(depsOrFactory) ? [depsOrFactory, maybeFactory!] : [[], depsOrFactory];
      try {
        const args = deps.map((name) => {
          if (name === 'module') {
            return { id: url, uri: url };
          }
          if (!(name in shared)) {
            throw new Error(`${url} needs "${name}", which Grafana does not share with plugins`);
          }
          return shared[name];
        });
        resolve(factory(...args) as Record<string, unknown>);
      } catch (err) {
        reject(err);
      }
    };
    window.define = Object.assign(define, { amd: {} });
    const script = document.createElement('script');
    script.src = url;
    script.onerror = () => reject(new Error(`could not load ${url}`));
    document.head.append(script);
  });
}

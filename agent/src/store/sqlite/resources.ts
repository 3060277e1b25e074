import type { Database, Statement } from 'better-sqlite3';
import type { Attributes } from '../../model/otlp.js';

/**
 * Resources are shared by many spans and log records, so each distinct one is stored once. Decoders hand every
 * span of a ResourceSpans the same object, so the identity cache makes the common case one WeakMap lookup.
 */
export class ResourceTable {
  private readonly byObject = new WeakMap<Attributes, number>();
  private readonly byText = new Map<string, number>();
  private readonly byId = new Map<number, Attributes>();
  /** Times the cache was emptied: the canonical objects handed out before are not the ones handed out since. */
  generation = 0;
  private readonly insert: Statement<[string]>;
  private readonly find: Statement<[string], { id: number }>;
  private readonly get: Statement<[number], { attributes: string }>;

  constructor(db: Database) {
    this.insert = db.prepare('INSERT OR IGNORE INTO resources (attributes) VALUES (?)');
    this.find = db.prepare('SELECT id FROM resources WHERE attributes = ?');
    this.get = db.prepare('SELECT attributes FROM resources WHERE id = ?');
  }

  /** Id of the resource, inserting it if new. Must run inside the write transaction. */
  idOf(resource: Attributes): number {
    const cached = this.byObject.get(resource);
    if (cached !== undefined) return cached;
    const text = JSON.stringify(resource);
    let id = this.byText.get(text);
    if (id === undefined) {
      this.insert.run(text);
      id = this.find.get(text)!.id;
      this.remember(text, id, resource);
    }
    this.byObject.set(resource, id);
    return id;
  }

  /**
   * The one shared object for these attributes: spans of a trace that arrived in different requests then have
   * the same resource object, which the normaliser compares by identity.
   */
  canonical(resource: Attributes): Attributes {
    return this.attributesOf(this.idOf(resource));
  }

  attributesOf(id: number): Attributes {
    let attributes = this.byId.get(id);
    if (!attributes) {
      const row = this.get.get(id);
      attributes = row ? (JSON.parse(row.attributes) as Attributes) : {};
      this.remember(row?.attributes ?? '{}', id, attributes);
    }
    return attributes;
  }

  /** Bounded: resources are few in practice, but a misbehaving sender must not grow the cache without limit. */
  private remember(text: string, id: number, attributes: Attributes): void {
    if (this.byText.size >= 10_000) {
      this.byText.clear();
      this.byId.clear();
      this.generation++;
    }
    this.byText.set(text, id);
    this.byId.set(id, attributes);
  }
}

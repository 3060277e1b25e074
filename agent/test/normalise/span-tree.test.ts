import { describe, expect, it } from 'vitest';
import { buildSpanTree, dumpSpanTree } from '../../src/normalise/index.js';
import { span } from './helpers.js';

describe('span tree', () => {
  it('builds the tree from parent links, children in start order, orphans as roots, duplicates once', () => {
    const spans = [
      span({ id: '3', parent: '1', name: 'second', start: 20, end: 30, status: 2 }),
      span({ id: '2', parent: '1', name: 'first', start: 10, end: 20, status: 1 }),
      span({ id: '1', name: 'root', start: 0, end: 40 }),
      span({ id: '4', parent: '2', name: 'leaf', start: 11, end: 12 }),
      span({ id: '2', parent: '1', name: 'first', start: 10, end: 20, status: 1 }),
      span({ id: '6', parent: '5', name: 'orphan', start: 5, end: 6 }),
    ];
    expect(dumpSpanTree(buildSpanTree(spans))).toBe(
      [
        'root [0000000000000001]',
        '  first [0000000000000002] OK',
        '    leaf [0000000000000004]',
        '  second [0000000000000003] ERROR',
        'orphan [0000000000000006]',
      ].join('\n'),
    );
  });
});

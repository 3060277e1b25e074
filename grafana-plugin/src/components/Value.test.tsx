import { render, screen } from '@testing-library/react';
import React from 'react';
import { describe, expect, it } from 'vitest';

import { Value } from './Value.js';

describe('Value', () => {
  it('shows lists and maps as JSON, and an absent value as a dash named "absent"', () => {
    render(
      <ul>
        <li>
          <Value value={['a,b', 'c']} />
        </li>
        <li>
          <Value value={{ tier: 'gold' }} />
        </li>
        <li>
          <Value value={null} />
        </li>
      </ul>
    );
    const items = screen.getAllByRole('listitem').map((li) => li.textContent);
    expect(items).toEqual(['["a,b","c"]', '{"tier":"gold"}', '—']);
    expect(screen.getByLabelText('absent')).toHaveTextContent('—');
  });
});

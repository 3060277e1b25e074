import React from 'react';

/** A recommendation's steps, in the order to do them. */
export function StepList({ steps }: { steps: string[] }) {
  return (
    <ol>
      {steps.map((step) => (
        <li key={step}>{step}</li>
      ))}
    </ol>
  );
}

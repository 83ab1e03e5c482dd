import { useState } from 'react';

/** A submission whose failure stays on screen with the API's message: `run` clears it, awaits, keeps a new one. */
export function useSubmit() {
  const [error, setError] = useState<unknown>(null);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(err);
    }
  };
  return { error, run };
}

import { useEffect, useState } from 'preact/hooks';

/** The time now, updated every `everyMs`, for "12 s ago" that stays true. */
export function useNow(everyMs = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [everyMs]);
  return now;
}

/** Settings of the web console, with defaults that suit a production hub. */
export interface ConsoleOptions {
  /** Wrong passwords in a row before the account locks. Default 5. */
  maxFailedSignIns: number;
  /** How long a locked account stays locked. Default 15 minutes. */
  lockMs: number;
  /** A session ends after this long without a request. Default 30 minutes. */
  idleMs: number;
  /** Rows per page of a list. Default 25. */
  pageSize: number;
}

export const DEFAULT_CONSOLE_OPTIONS: ConsoleOptions = Object.freeze({
  maxFailedSignIns: 5,
  lockMs: 15 * 60_000,
  idleMs: 30 * 60_000,
  pageSize: 25,
});

/**
 * Reads `EDOC_CONSOLE_MAX_FAILED_SIGNINS`, `EDOC_CONSOLE_LOCK_MINUTES`,
 * `EDOC_CONSOLE_IDLE_MINUTES` over the defaults (invalid values are ignored).
 */
export function consoleOptionsFromEnv(env: Record<string, string | undefined>): ConsoleOptions {
  const num = (name: string): number | undefined => {
    const n = Number(env[name]);
    return env[name] && Number.isInteger(n) && n > 0 ? n : undefined;
  };
  const failures = num('EDOC_CONSOLE_MAX_FAILED_SIGNINS');
  const lock = num('EDOC_CONSOLE_LOCK_MINUTES');
  const idle = num('EDOC_CONSOLE_IDLE_MINUTES');
  return {
    ...DEFAULT_CONSOLE_OPTIONS,
    ...(failures ? { maxFailedSignIns: failures } : {}),
    ...(lock ? { lockMs: lock * 60_000 } : {}),
    ...(idle ? { idleMs: idle * 60_000 } : {}),
  };
}

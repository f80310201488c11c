/** One invalid option: where it is and what is wrong. */
export interface TestServerOptionIssue {
  /** Option path, e.g. `collections.items.pagination.basePage`. */
  path: string;
  message: string;
}

const marker = Symbol.for('restsync.test-server.options-error');

/** Thrown before the server starts (or by a method) when options are invalid; lists every problem. */
export class TestServerOptionsError extends Error {
  readonly issues: readonly TestServerOptionIssue[];

  constructor(issues: readonly TestServerOptionIssue[]) {
    super(
      `Invalid test server options:\n${issues.map((issue) => `  - ${issue.path}: ${issue.message}`).join('\n')}`,
    );
    this.name = 'TestServerOptionsError';
    Object.defineProperty(this, marker, { value: true });
    this.issues = issues;
  }

  /** True for an instance of this class, also across duplicate copies of the package. */
  static isInstance(value: unknown): value is TestServerOptionsError {
    return typeof value === 'object' && value !== null && marker in value;
  }
}

/** Collects issues and throws them all at once. */
export function createIssueList() {
  const issues: TestServerOptionIssue[] = [];
  return {
    issues,
    check(valid: boolean, path: string, message: string): void {
      if (!valid) issues.push({ path, message });
    },
    throwIfAny(): void {
      if (issues.length > 0) throw new TestServerOptionsError(issues);
    },
  };
}

export function isCount(value: number, minimum: number): boolean {
  return Number.isSafeInteger(value) && value >= minimum;
}

export function isDelay(value: number): boolean {
  return Number.isFinite(value) && value >= 0;
}

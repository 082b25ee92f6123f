/** One problem in the input: which object, which field, what is wrong. */
export interface AssessmentIssue {
  /** The offending object's id, or `config` / `options` for those. */
  objectId: string;
  /** Path of the field inside that object, e.g. `ratings[2].hypothesisId`. */
  field: string;
  message: string;
}

/**
 * The input cannot be assessed. Carries every problem found; the message names the first
 * one's object id and field and says how many more there are.
 */
export class AssessmentInputError extends Error {
  override readonly name = 'AssessmentInputError';
  readonly issues: readonly AssessmentIssue[];

  constructor(issues: readonly AssessmentIssue[]) {
    super(describe(issues));
    this.issues = issues;
  }
}

function describe(issues: readonly AssessmentIssue[]): string {
  const first = issues[0];
  if (!first) return 'invalid assessment input';
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return `${first.objectId}: ${first.field}: ${first.message}${more}`;
}

/** Collects issues and throws them all at once. */
export class IssueCollector {
  private readonly issues: AssessmentIssue[] = [];

  add(objectId: string, field: string, message: string): void {
    this.issues.push({ objectId, field, message });
  }

  throwIfAny(): void {
    if (this.issues.length > 0) throw new AssessmentInputError([...this.issues]);
  }
}

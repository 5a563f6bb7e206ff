import { Lazy } from 'cdktf';

/** One value or several, as IAM accepts in most policy elements. */
export type OneOrMany = string | string[];

/** One statement, in IAM's own grammar. */
export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: '*' | Readonly<Record<string, OneOrMany>>;
  readonly NotPrincipal?: Readonly<Record<string, OneOrMany>>;
  readonly Action?: OneOrMany;
  readonly NotAction?: OneOrMany;
  readonly Resource?: OneOrMany;
  readonly NotResource?: OneOrMany;
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, OneOrMany>>>>;
}

/**
 * An IAM policy that others may add statements to until synthesis. It renders as plain JSON with
 * Terraform references inside strings, so Terraform resolves it at plan time wherever the values are
 * known, and the synthesized policy reads exactly as IAM will receive it.
 */
export class PolicyDocument {
  private readonly list: PolicyStatement[] = [];

  constructor(statements: readonly PolicyStatement[] = []) {
    this.addStatements(...statements);
  }

  get statements(): readonly PolicyStatement[] {
    return this.list;
  }

  addStatements(...statements: PolicyStatement[]): void {
    const taken = new Set(this.list.map((s) => s.Sid).filter(Boolean));
    for (const s of statements) {
      if (s.Sid && taken.has(s.Sid)) throw new Error(`policy statement id "${s.Sid}" is used twice`);
      if (s.Sid) taken.add(s.Sid);
      this.list.push(s);
    }
  }

  toJson(): string {
    return Lazy.stringValue({ produce: () => JSON.stringify({ Version: '2012-10-17', Statement: this.list }) });
  }
}

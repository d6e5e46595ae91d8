import { z } from 'zod';
import { datasetImportJob } from './dataset-import';
import { describeImagesJob } from './describe-images';
import { evaluateRunJob } from './evaluate-run';
import { generateCandidatesJob } from './generate-candidates';
import { labelsAssignJob } from './labels-assign';
import { labelsMineJob } from './labels-mine';
import { trainLabelsJob } from './train-labels';
import { trainProjectionJob } from './train-projection';

export * from './dataset-import';
export * from './describe-images';
export * from './evaluate-run';
export * from './generate-candidates';
export * from './labels-assign';
export * from './labels-mine';
export * from './train-labels';
export * from './train-projection';
export { JobTouches, zodIssueText, type JobContract } from './contract';

/** Every kind of job this build queues and runs: the one place a kind is spelled. */
export const jobContracts = [datasetImportJob, describeImagesJob, generateCandidatesJob, labelsMineJob, labelsAssignJob, trainProjectionJob, trainLabelsJob, evaluateRunJob] as const;

export type AnyJobContract = (typeof jobContracts)[number];
export type JobKind = AnyJobContract['kind'];
// The tuple's kinds as zod wants them; the cast only restates what the line above derives.
export const JobKind = z.enum(jobContracts.map((c) => c.kind) as [JobKind, ...JobKind[]]);

export type ContractOf<K extends JobKind> = Extract<AnyJobContract, { kind: K }>;
/** A kind's parameters as the handler sees them (defaults applied). */
export type ParamsOf<K extends JobKind> = z.output<ContractOf<K>['params']>;
/** One item's payload as the handler sees it. */
export type PayloadOf<K extends JobKind> = z.output<ContractOf<K>['payload']>;
/** What one item records beside its 'done' mark. */
export type ResultOf<K extends JobKind> = z.output<ContractOf<K>['result']>;

const byKind = new Map<string, AnyJobContract>(jobContracts.map((c) => [c.kind, c]));

/** The contract of a kind read from storage; undefined for a kind this build does not know. */
export function findJobContract(kind: string): AnyJobContract | undefined {
  return byKind.get(kind);
}

export function jobContract<K extends JobKind>(kind: K): ContractOf<K> {
  // The map is built from the same tuple the type is: its entry for K is K's contract.
  return byKind.get(kind) as ContractOf<K>;
}

/**
 * Parses a kind's params with its contract, typed as that kind's params. The cast restates that jobContract(kind) is
 * K's contract, which TypeScript cannot follow through a generic index.
 */
export function parseJobParams<K extends JobKind>(kind: K, raw: unknown): z.ZodSafeParseResult<ParamsOf<K>> {
  return jobContract(kind).params.safeParse(raw) as z.ZodSafeParseResult<ParamsOf<K>>;
}

/** Parses one item's payload with its kind's contract (as parseJobParams). */
export function parseJobPayload<K extends JobKind>(kind: K, raw: unknown): z.ZodSafeParseResult<PayloadOf<K>> {
  return jobContract(kind).payload.safeParse(raw) as z.ZodSafeParseResult<PayloadOf<K>>;
}

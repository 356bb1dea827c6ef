import { newUuid } from '../ids.js';
import type { SandboxContext } from '../context.js';
import { invalidParameter, type Params } from './protocol.js';

/** An async job as queryAsyncJobResult reports it. Jobs live in memory only (not in the state file). */
export interface ArrayJob {
  jobid: string;
  cmd: string;
  jobstatus: 0 | 1 | 2;
  jobresultcode: number;
  msg: string;
  jobresult: Record<string, unknown>;
  created: string;
}

const jobsByContext = new WeakMap<SandboxContext, Map<string, ArrayJob>>();

function jobsOf(ctx: SandboxContext): Map<string, ArrayJob> {
  let jobs = jobsByContext.get(ctx);
  if (!jobs) jobsByContext.set(ctx, (jobs = new Map<string, ArrayJob>()));
  return jobs;
}

/** Records a finished (or pending) job and returns its id. */
export function recordArrayJob(ctx: SandboxContext, job: Omit<ArrayJob, 'jobid' | 'created'>): string {
  const jobid = newUuid();
  const created = new Date().toISOString().replace('T', ' ').slice(0, 19);
  jobsOf(ctx).set(jobid, { ...job, jobid, created });
  return jobid;
}

export function queryAsyncJobResult(ctx: SandboxContext, p: Params): unknown {
  const jobId = p.require('queryAsyncJobResult', 'jobId');
  const job = jobsOf(ctx).get(jobId);
  if (!job) throw invalidParameter('queryAsyncJobResult', 'jobid', jobId);
  const account = ctx.state.array.accounts[0];
  return {
    accountid: account?.id ?? '',
    userid: account?.id ?? '',
    cmd: job.cmd,
    msg: job.msg,
    jobstatus: job.jobstatus,
    jobprocstatus: 0,
    jobresultcode: job.jobresultcode,
    jobresulttype: 'object',
    jobresult: job.jobresult,
    created: job.created,
    jobid: job.jobid,
  };
}

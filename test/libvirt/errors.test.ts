import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createHypervisorPool, freezeMayHaveTakenEffect, type HypervisorConfig, type HypervisorPool } from '../../src/hypervisor/index.js';
import type { CcsnapError } from '../../src/errors.js';
import { consoleText, guestSpawn, realvm, skipReason, waitFor, waitForAgent } from './realvm.js';
import { rejectionOf as failure } from '../helpers/rejection.js';

const vm = realvm();
if (!vm) console.warn(`[test:libvirt] error-mapping tests skipped: ${skipReason()}`);

describe.skipIf(!vm)('real libvirt guest: error mapping', () => {
  const v = vm!;
  const pools: HypervisorPool[] = [];
  const hv = (o: Partial<HypervisorConfig> = {}) => {
    const p = createHypervisorPool({ uriTemplate: v.uri, virsh: 'virsh', agentTimeoutSec: 5, commandTimeoutMs: 20_000, session: 'persistent', ...o });
    pools.push(p);
    return p.forHost('localhost');
  };
  afterEach(async () => {
    await waitForAgent(v);
    await hv({ session: 'oneshot' })
      .thaw(v.domain)
      .catch(() => undefined);
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.close()));
  });

  it.each(['persistent', 'oneshot'] as const)('no agent channel, stopped domain, double freeze, unknown domain (%s)', async (session) => {
    const h = hv({ session });
    const noagent = await failure(h.freeze(v.noAgentDomain));
    expect(noagent.code).toBe('CCSNAP_HV_AGENT_NOT_CONFIGURED');
    expect(freezeMayHaveTakenEffect(noagent)).toBe(false);
    expect((await failure(h.ping(v.noAgentDomain))).code).toBe('CCSNAP_HV_AGENT_NOT_CONFIGURED');
    expect(await h.domainState(v.stoppedDomain)).toBe('shut off');
    expect((await failure(h.freeze(v.stoppedDomain))).code).toBe('CCSNAP_HV_DOMAIN_NOT_RUNNING');
    expect((await failure(h.thaw(v.stoppedDomain))).code).toBe('CCSNAP_HV_DOMAIN_NOT_RUNNING');
    await h.freeze(v.domain);
    const twice = await failure(h.freeze(v.domain));
    expect(twice.code).toBe('CCSNAP_HV_ALREADY_FROZEN');
    expect(twice.details).toMatchObject({ mayBeFrozen: true, exitCode: 1, domain: v.domain, uri: v.uri });
    expect((await failure(h.fsInfo(v.domain))).code).toBe('CCSNAP_HV_ALREADY_FROZEN');
    expect(await h.thaw(v.domain)).toEqual({ filesystems: 1 });
    const unknown = await failure(h.freeze('ccsnap-no-such-domain'));
    expect(unknown.code).toBe('CCSNAP_HV_DOMAIN_NOT_FOUND');
    expect(unknown.details.stderr).toBe("error: failed to get domain 'ccsnap-no-such-domain'");
  });

  it.each(['persistent', 'oneshot'] as const)('shell metacharacters in the domain and the URI are one argument and fail cleanly (%s)', async (session) => {
    const marker = join(v.work, `pwned-${session}`);
    const h = hv({ session });
    for (const name of [`x; touch ${marker}`, `$(touch ${marker})`, `\`touch ${marker}\``, `x' ; destroy ${v.domain} ; echo '`, `a"b`, '--all', '#x']) {
      expect((await failure(h.freeze(name))).code).toBe('CCSNAP_HV_DOMAIN_NOT_FOUND');
    }
    const badUri = hv({ session, uriTemplate: `qemu:///system; touch ${marker}` });
    expect((await failure(badUri.domainState(v.domain))).code).toBe('CCSNAP_HV_CONNECTION');
    const badHost = createHypervisorPool({ uriTemplate: 'qemu+ssh://{host}/system', virsh: 'virsh', agentTimeoutSec: 5, commandTimeoutMs: 5000, session });
    pools.push(badHost);
    expect(() => badHost.forHost(`h;touch ${marker}`)).toThrowError(expect.objectContaining({ code: 'CCSNAP_HV_BAD_HOST' }));
    expect(existsSync(marker)).toBe(false);
    expect(await h.domainState(v.domain)).toBe('running');
  });

  it('a killed agent: freeze and thaw fail with AGENT_NOT_CONNECTED until it is back', async () => {
    const h = hv();
    await guestSpawn(v, 'kill $(pidof qemu-ga); echo AGENT-KILLED > /dev/console; sleep 6; /sbin/start-agent');
    await waitFor('agent killed', () => (consoleText(v).includes('AGENT-KILLED') ? true : undefined));
    const err = await waitFor(
      'not connected',
      async () => {
        const e = await h.ping(v.domain).then(
          () => undefined,
          (x: CcsnapError) => x,
        );
        return e?.code === 'CCSNAP_HV_AGENT_NOT_CONNECTED' ? e : undefined;
      },
      5000,
      100,
    );
    expect(err.message).toContain('QEMU guest agent is not connected');
    const f = await failure(h.freeze(v.domain));
    expect(f.code).toBe('CCSNAP_HV_AGENT_NOT_CONNECTED');
    expect(freezeMayHaveTakenEffect(f)).toBe(false);
    expect((await failure(h.thaw(v.domain))).code).toBe('CCSNAP_HV_AGENT_NOT_CONNECTED');
    await waitForAgent(v);
    expect(await h.freezeStatus(v.domain)).toBe('thawed');
  });

  it("a hung agent, with the domain's agent timeout set by another agent user: freeze fails within it; the guest ends thawed after the agent resumes", async () => {
    // no guest-exec while it is stopped: the guest stops its own agent for 8 s and resumes it
    const tag = `hang${Date.now().toString(36)}`;
    await guestSpawn(
      v,
      `sleep 0.3; kill -STOP $(pidof qemu-ga); echo ${tag}-STOPPED > /dev/console; sleep 8; kill -CONT $(pidof qemu-ga); echo ${tag}-RESUMED > /dev/console`,
    );
    await waitFor('agent stopped', () => (consoleText(v).includes(`${tag}-STOPPED`) ? true : undefined), 10_000, 50);
    const h = hv({ agentTimeoutSec: 2, commandTimeoutMs: 6000 });
    // ccsnap never sets a domain's agent timeout (issue 11); here someone else (e.g. Nova's quiesce) did
    execFileSync('virsh', ['-c', v.uri, 'guest-agent-timeout', v.domain, '--timeout', '2']);
    const err = await failure(h.freeze(v.domain)).finally(() => execFileSync('virsh', ['-c', v.uri, 'guest-agent-timeout', v.domain, '--timeout', '-2']));
    // AGENT_TIMEOUT (not our TIMEOUT): libvirt gave up after the domain's 2 s, inside commandTimeoutMs
    expect(err.code).toBe('CCSNAP_HV_AGENT_TIMEOUT');
    expect(err.message).toContain('Guest agent not available for now');
    expect(freezeMayHaveTakenEffect(err)).toBe(true);
    await waitFor('agent resumed', () => (consoleText(v).includes(`${tag}-RESUMED`) ? true : undefined), 20_000);
    await waitForAgent(v);
    // the agent may now execute the queued freeze: the caller thaws anyway
    const status = await hv({ agentTimeoutSec: 5 }).freezeStatus(v.domain);
    console.log(`[test:libvirt] status right after the hung agent resumed: ${status} (queued freeze ${status === 'frozen' ? 'executed' : 'not executed'})`);
    await hv({ agentTimeoutSec: 5 }).thaw(v.domain);
    expect(await hv({ agentTimeoutSec: 5 }).freezeStatus(v.domain)).toBe('thawed');
  });

  it('our own deadline bounds a hung agent when no agent timeout is set', async () => {
    const tag = `dl${Date.now().toString(36)}`;
    await guestSpawn(
      v,
      `sleep 0.3; kill -STOP $(pidof qemu-ga); echo ${tag}-STOPPED > /dev/console; sleep 6; kill -CONT $(pidof qemu-ga); echo ${tag}-RESUMED > /dev/console`,
    );
    await waitFor('agent stopped', () => (consoleText(v).includes(`${tag}-STOPPED`) ? true : undefined), 10_000, 50);
    // -2 = block (a fresh domain's setting; -1 is libvirt's 5 s default): our commandTimeoutMs must end it
    const h = hv({ agentTimeoutSec: 0, commandTimeoutMs: 2000 });
    execFileSync('virsh', ['-c', v.uri, 'guest-agent-timeout', v.domain, '--timeout', '-2']);
    const err = await failure(h.freeze(v.domain));
    expect(err.code).toBe('CCSNAP_HV_TIMEOUT');
    expect(err.details).toMatchObject({ mayBeFrozen: true, timeoutMs: 2000 });
    await waitFor('agent resumed', () => (consoleText(v).includes(`${tag}-RESUMED`) ? true : undefined), 20_000);
    await waitForAgent(v);
    await hv().thaw(v.domain);
    expect(await hv().freezeStatus(v.domain)).toBe('thawed');
  });
});

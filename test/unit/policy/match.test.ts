import { describe, expect, it } from 'vitest';
import { globToRegExp, type matchesSelector, matchInstances, type MatchableServer } from '../../../src/policy/match.js';

const SERVERS: MatchableServer[] = [
  { id: 'id-web-1', name: 'web-1', projectId: 'p-admin', projectName: 'admin', metadata: { 'ccsnap-policy': 'hourly', tier: 'front' } },
  { id: 'id-web-2', name: 'web-2', projectId: 'p-demo', projectName: 'demo', metadata: { 'ccsnap-policy': 'daily' } },
  { id: 'id-web-10', name: 'web-10', projectId: 'p-demo', projectName: null },
  { id: 'id-db-1', name: 'db-1', projectId: 'p-admin', metadata: { 'ccsnap-policy': 'hourly' } },
  { id: 'id-Web-3', name: 'Web-3', projectId: 'p-admin' },
];
const names = (sel: Parameters<typeof matchesSelector>[0]) => matchInstances({ instances: sel }, SERVERS).map((s) => s.name);

describe('instance matching', () => {
  it('matches names by glob, case-sensitively, anchored', () => {
    expect(names({ names: ['web-*'] })).toEqual(['web-1', 'web-2', 'web-10']);
    expect(names({ names: ['web-?'] })).toEqual(['web-1', 'web-2']);
    expect(names({ names: ['web-[12]'] })).toEqual(['web-1', 'web-2']);
    expect(names({ names: ['web-[!1]*'] })).toEqual(['web-2']);
    expect(names({ names: ['[a-d]*'] })).toEqual(['db-1']);
    expect(names({ names: ['eb-1'] })).toEqual([]);
    expect(names({ names: ['db-1', 'Web-*'] })).toEqual(['db-1', 'Web-3']);
  });

  it('takes an instance id as a names entry', () => {
    expect(names({ names: ['id-web-2'] })).toEqual(['web-2']);
  });

  it('matches projects by id or by name when known', () => {
    expect(names({ projects: ['p-admin'] })).toEqual(['web-1', 'db-1', 'Web-3']);
    expect(names({ projects: ['demo'] })).toEqual(['web-2']); // web-10's project name is unknown
    expect(names({ projects: ['admin', 'p-demo'] })).toEqual(['web-1', 'web-2', 'web-10']);
  });

  it('requires every metadata key with exactly its value', () => {
    expect(names({ metadata: { 'ccsnap-policy': 'hourly' } })).toEqual(['web-1', 'db-1']);
    expect(names({ metadata: { 'ccsnap-policy': 'hourly', tier: 'front' } })).toEqual(['web-1']);
    expect(names({ metadata: { 'ccsnap-policy': 'Hourly' } })).toEqual([]);
    expect(names({ metadata: { toString: '' } })).toEqual([]);
  });

  it('requires every criterion given', () => {
    expect(names({ names: ['web-*', 'db-*'], projects: ['p-admin'], metadata: { 'ccsnap-policy': 'hourly' } })).toEqual(['web-1', 'db-1']);
    expect(names({ names: ['web-*'], projects: ['p-admin'] })).toEqual(['web-1']);
  });

  it('matches nothing with no criterion', () => {
    expect(names({})).toEqual([]);
  });
});

describe('globs', () => {
  it('treat regex characters as literals', () => {
    expect(globToRegExp('a.b+c(d)|e$').test('a.b+c(d)|e$')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
    expect(globToRegExp('a\\*').test('a*')).toBe(true);
    expect(globToRegExp('a\\*').test('ab')).toBe(false);
  });

  it('read classes as shells do', () => {
    expect(globToRegExp('[]a]').test(']')).toBe(true);
    expect(globToRegExp('[a-]').test('-')).toBe(true);
    expect(globToRegExp('[^a]').test('b')).toBe(true);
    expect(globToRegExp('[^a]').test('a')).toBe(false);
    expect(globToRegExp('x[').test('x[')).toBe(true); // unclosed: literal
    expect(globToRegExp('*').test('any\nthing')).toBe(true);
  });

  it('throw on a reversed range (the config parser reports it)', () => {
    expect(() => globToRegExp('[z-a]')).toThrow();
  });
});

import { describe, expect, it } from '@jest/globals';
import { SandboxState, type SandboxPost, X_TOKEN_LIFETIME_MS } from './sandbox-state.js';

const post = (platform: SandboxPost['platform'], accountId: string, id: string, createdAt: number, text = id): SandboxPost => ({ platform, accountId, id, text, imageBytes: 0, createdAt });

describe('SandboxState posts', () => {
  it('lists one account’s posts oldest first, apart from other accounts and platforms', () => {
    const state = new SandboxState(() => 0);
    state.addPost(post('instagram', 'ig-1', 'a', 30));
    state.addPost(post('instagram', 'ig-2', 'b', 10));
    state.addPost(post('facebook', 'ig-1', 'c', 5));
    state.addPost(post('instagram', 'ig-1', 'd', 20)); // made later, stamped earlier (a clock moved back)
    expect(state.listPosts({ platform: 'instagram', accountId: 'ig-1' }).map((p) => p.id)).toEqual(['d', 'a']);
    expect(state.listPosts({ platform: 'instagram' }).map((p) => p.id)).toEqual(['b', 'd', 'a']);
    expect(state.listPosts().map((p) => p.id)).toEqual(['c', 'b', 'd', 'a']);
  });

  it('keeps one post per id, counts the quota from it, and forgets everything on reset', () => {
    const state = new SandboxState(() => 0);
    state.addPost(post('instagram', 'ig-1', 'a', 100, 'first'));
    state.addPost(post('instagram', 'ig-1', 'a', 100, 'edited'));
    expect(state.listPosts({ platform: 'instagram', accountId: 'ig-1' }).map((p) => p.text)).toEqual(['edited']);
    state.addPost(post('instagram', 'ig-2', 'a', 100, 'moved'));
    expect([state.listPosts({ platform: 'instagram', accountId: 'ig-1' }), state.listPosts({ platform: 'instagram', accountId: 'ig-2' }).map((p) => p.text)]).toEqual([[], ['moved']]);
    state.addPost(post('instagram', 'ig-1', 'a', 100, 'edited'));
    expect(state.instagramQuotaUsage('ig-1', 1_000)).toBe(1);
    state.reset();
    expect(state.listPosts({ platform: 'instagram', accountId: 'ig-1' })).toEqual([]);
    expect(state.instagramQuotaUsage('ig-1', 1_000)).toBe(0);
  });

  it('finds the newest post, a Facebook post by its photo id, and counts the quota over the last 24 hours only', () => {
    const state = new SandboxState(() => 0);
    const day = 86_400_000;
    state.addPost(post('instagram', 'ig-1', 'old', 1_000));
    state.addPost(post('instagram', 'ig-1', 'new', day + 5_000));
    state.addPost(post('instagram', 'ig-1', 'edge', 1_000 + 1)); // stamped just inside the window, made last
    expect(state.latestPost('instagram', 'ig-1')?.id).toBe('new');
    expect(state.instagramQuotaUsage('ig-1', day + 1_000)).toBe(2);
    expect(state.instagramQuotaUsage('ig-1', day + 1_001)).toBe(1);
    state.addPost(post('facebook', 'page-1', 'page-1_77', 10));
    expect([state.facebookPost('77')?.id, state.facebookPost('page-1_77')?.id, state.facebookPost('7')]).toEqual(['page-1_77', 'page-1_77', undefined]);
    expect(state.latestPost('facebook', 'page-2')).toBeUndefined();
    state.reset();
    expect(state.facebookPost('77')).toBeUndefined();
  });
});

describe('SandboxState X token renewal', () => {
  it('rotates the refresh token, issues a two-hour token, and lets the replaced one live out its own expiry', () => {
    let now = 1_000_000;
    const state = new SandboxState(() => now);
    state.upsertAccount({ platform: 'x', id: 'u1', token: 'access-0', username: 'u1', followers: 1, tokenExpiresAt: now + 60_000, refreshToken: 'refresh-0' });
    const renewed = state.renewXToken('refresh-0')!;
    expect(renewed.expiresInSeconds).toBe(X_TOKEN_LIFETIME_MS / 1000);
    expect(state.renewXToken('refresh-0')).toBeUndefined();
    expect(state.xAccountForRefreshToken(renewed.refreshToken)?.id).toBe('u1');
    expect([state.xAccountForToken('access-0')?.id, state.xAccountForToken(renewed.accessToken)?.id]).toEqual(['u1', 'u1']);
    now += 60_000;
    expect([state.xAccountForToken('access-0'), state.xAccountForToken(renewed.accessToken)?.id]).toEqual([undefined, 'u1']);
    now += X_TOKEN_LIFETIME_MS;
    expect(state.xAccountForToken(renewed.accessToken)).toBeUndefined();
    expect(state.renewXToken(renewed.refreshToken)).toBeDefined();
  });

  it('expires a replaced token with the account\'s, and forgets renewals on reset', () => {
    const state = new SandboxState(() => 0);
    state.upsertAccount({ platform: 'x', id: 'u1', token: 'access-0', username: 'u1', followers: 1, tokenExpiresAt: 60_000, refreshToken: 'refresh-0' });
    const renewed = state.renewXToken('refresh-0')!;
    state.expireToken('x', 'u1', 0);
    expect([state.xAccountForToken('access-0'), state.xAccountForToken(renewed.accessToken)]).toEqual([undefined, undefined]);
    state.reset();
    expect(state.renewXToken(renewed.refreshToken)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { parseAtomFeed } from './feed.js';

describe('parseAtomFeed', () => {
  it('reads entries, decoding the standard entities', () => {
    const entries = parseAtomFeed(
      '<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>t3_a1</id><title>Tom &amp; Jerry</title><author><name>/u/x</name></author><link href="https://www.reddit.com/r/t/comments/a1/"/><category term="t"/></entry></feed>',
    );
    expect(entries).toEqual([{ id: 't3_a1', title: 'Tom & Jerry', author: 'x', link: 'https://www.reddit.com/r/t/comments/a1/', subreddit: 't' }]);
  });

  it('refuses a feed that declares entities (billion laughs)', () => {
    const bomb = '<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><feed><entry><id>t3_x</id><title>&b;</title></entry></feed>';
    expect(() => parseAtomFeed(bomb)).toThrow('the feed declares a DOCTYPE; refused');
  });
});

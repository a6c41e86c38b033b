/**
 * The group-commit writer of one poll: a storm's bulk does not wait for its
 * first small batch (several batches in flight), yet one voter's ballots are
 * decided one batch after another, in the order they arrived, and a drain
 * waits for everything submitted before it.
 */
import { describe, expect, it } from 'vitest';
import { LANES, PollWriter, type Queued } from '../../server/modules/votes/poll-writer.ts';

type Ballot = { voter: string; n: number };

/** A writer whose batches finish when the test says so. */
function harness() {
  const batches: { ballots: string[]; finish: () => void }[] = [];
  const writer = new PollWriter<Ballot, string>(
    (batch: Queued<Ballot, string>[]) =>
      new Promise<void>((done) => {
        batches.push({
          ballots: batch.map((q) => `${q.ballot.voter}${q.ballot.n}`),
          finish: () => {
            for (const q of batch) q.resolve(`${q.ballot.voter}${q.ballot.n}`);
            done();
          },
        });
      }),
    (ballot) => ballot.voter,
  );
  return { writer, batches };
}

const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('PollWriter', () => {
  it('starts the bulk while the first batch is still being written', async () => {
    const { writer, batches } = harness();
    const first = writer.submit({ voter: 'a', n: 1 });
    await turn();
    expect(batches.map((b) => b.ballots)).toEqual([['a1']]);
    const rest = ['b', 'c', 'd'].map((voter) => writer.submit({ voter, n: 1 }));
    await turn();
    expect(batches.map((b) => b.ballots)).toEqual([['a1'], ['b1', 'c1', 'd1']]);
    batches[1]!.finish();
    expect(await Promise.all(rest)).toEqual(['b1', 'c1', 'd1']);
    batches[0]!.finish();
    expect(await first).toBe('a1');
    expect(writer.idle).toBe(true);
  });

  it("keeps a voter's ballots in arrival order: none in a second batch while one is in flight", async () => {
    const { writer, batches } = harness();
    const answers: string[] = [];
    const track = (p: Promise<string>) => p.then((a) => answers.push(a));
    const all = [track(writer.submit({ voter: 'a', n: 1 }))];
    await turn();
    all.push(track(writer.submit({ voter: 'a', n: 2 })), track(writer.submit({ voter: 'b', n: 1 })), track(writer.submit({ voter: 'a', n: 3 })));
    await turn();
    // a2 and a3 wait for a1; b1 goes at once.
    expect(batches.map((b) => b.ballots)).toEqual([['a1'], ['b1']]);
    batches[0]!.finish();
    await turn();
    expect(batches.map((b) => b.ballots)).toEqual([['a1'], ['b1'], ['a2', 'a3']]);
    batches[2]!.finish();
    batches[1]!.finish();
    await Promise.all(all);
    expect(answers.indexOf('a1')).toBeLessThan(answers.indexOf('a2'));
    expect(answers.indexOf('a2')).toBeLessThan(answers.indexOf('a3'));
  });

  it('holds a batch beyond the lanes until one is free, and drain waits for every ballot submitted before it', async () => {
    const { writer, batches } = harness();
    const voters = Array.from({ length: LANES + 1 }, (_, i) => `v${i}-`);
    for (const voter of voters) {
      void writer.submit({ voter, n: 1 });
      await turn();
    }
    expect(batches).toHaveLength(LANES);
    let drained = false;
    const draining = writer.drain().then(() => (drained = true));
    batches[0]!.finish();
    await turn();
    expect(batches.map((b) => b.ballots)).toEqual(voters.map((v) => [`${v}1`]));
    expect(drained).toBe(false);
    for (const batch of batches.slice(1)) batch.finish();
    await draining;
    expect(writer.idle).toBe(true);
  });
});

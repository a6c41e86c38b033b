/** A new draft poll: its rules checked against each other (elections: candidates, choices, seats), then written with its candidates. */
import type { PollCreate } from '../../contract/votes.ts';
import { pollCandidates, polls } from '../../db/schema/votes.ts';
import { AppError } from '../../errors.ts';
import { recordEvent, type VoteContext } from './context.ts';

/** The caller has checked that the user runs the meeting and that it is not closed. Returns the new poll's id. */
export async function createPoll(ctx: Pick<VoteContext, 'meetings'>, meetingId: string, userId: string, input: PollCreate): Promise<string> {
  if (input.kind === 'election') {
    const count = input.candidates?.length ?? 0;
    if (count === 0) throw new AppError(400, 'candidatesRequired', { field: 'candidates' });
    if (input.maxChoices !== undefined && input.maxChoices > count) throw new AppError(400, 'maxChoicesTooHigh', { field: 'maxChoices' });
    if (input.seats !== undefined && input.seats > count) throw new AppError(400, 'seatsTooHigh', { field: 'seats' });
    // A ballot approving more names than there are seats is invalid (domain rules): the limit never exceeds the seats.
    if (input.seats !== undefined && input.maxChoices !== undefined && input.maxChoices > input.seats) throw new AppError(400, 'maxChoicesOverSeats', { field: 'maxChoices' });
  } else if (input.candidates !== undefined || input.seats !== undefined) {
    throw new AppError(400, 'validation', { issues: [{ field: input.candidates !== undefined ? 'candidates' : 'seats', rule: 'unknown' }] });
  }
  if ((input.threshold === 'custom') !== (input.custom !== undefined)) throw new AppError(400, 'customThresholdRequired', { field: 'custom' });
  if (input.custom !== undefined && input.custom.numerator > input.custom.denominator) throw new AppError(400, 'customThresholdRequired', { field: 'custom' });
  if (input.agendaItemId != null) {
    if ((await ctx.meetings.agendaItem(meetingId, input.agendaItemId)) === null) throw new AppError(400, 'agendaItemNotInMeeting', { field: 'agendaItemId' });
  }
  return ctx.meetings.changeMeeting(meetingId, 'polls', async (tx) => {
    const [poll] = await tx
      .insert(polls)
      .values({
        meetingId,
        agendaItemId: input.agendaItemId ?? null,
        kind: input.kind,
        title: input.title.trim(),
        secret: input.secret,
        eligibility: input.eligibility ?? 'present',
        allowProxy: input.allowProxy ?? true,
        allowChange: input.allowChange ?? false,
        threshold: input.threshold ?? 'half_all',
        customNumerator: input.custom?.numerator ?? null,
        customDenominator: input.custom?.denominator ?? null,
        maxChoices: input.kind === 'election' ? (input.maxChoices ?? input.seats ?? input.candidates!.length) : null,
        seats: input.kind === 'election' ? (input.seats ?? input.maxChoices ?? input.candidates!.length) : null,
        createdBy: userId,
      })
      .returning({ id: polls.id });
    if (input.kind === 'election') await tx.insert(pollCandidates).values(input.candidates!.map((name, i) => ({ pollId: poll!.id, name: name.trim(), position: i + 1 })));
    await recordEvent(tx, poll!.id, 'created', userId);
    return poll!.id;
  });
}

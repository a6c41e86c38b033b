/**
 * A real SMTP server for the tests (npm `smtp-server`), on a free port: it
 * parses every message it accepts (`mailparser`) and counts them by
 * Message-ID. In `hold` mode it reads a message but never answers its end of
 * DATA, so the sender is left not knowing whether it went (the state a crash
 * between "queued" and "sent" leaves behind).
 */
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export type SmtpSink = {
  port: number;
  /** messages accepted (answered 250), in order */
  received: ParsedMail[];
  /** how many messages arrived while holding (never answered) */
  held(): number;
  hold(on: boolean): void;
  /** resolves once `count` messages were accepted */
  waitFor(count: number, timeoutMs?: number): Promise<ParsedMail[]>;
  close(): Promise<void>;
};

export async function startSmtpSink(credentials?: { user: string; pass: string }): Promise<SmtpSink> {
  const received: ParsedMail[] = [];
  let holding = false;
  let held = 0;
  const waiters: (() => void)[] = [];
  const server = new SMTPServer({
    authOptional: credentials === undefined,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (credentials !== undefined && auth.username === credentials.user && auth.password === credentials.pass) callback(null, { user: auth.username });
      else callback(new Error('Invalid username or password'));
    },
    onData(stream, _session, callback) {
      if (holding) {
        held += 1;
        stream.resume(); // read it all, answer never
        return;
      }
      simpleParser(stream).then(
        (mail) => {
          received.push(mail);
          callback();
          for (const wake of waiters.splice(0)) wake();
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error))),
      );
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('the SMTP sink did not bind a port');
  return {
    port: address.port,
    received,
    held: () => held,
    hold: (on) => (holding = on),
    async waitFor(count, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (received.length < count) {
        if (Date.now() > deadline) throw new Error(`expected ${count} e-mails, the SMTP server got ${received.length}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 200);
        });
      }
      return received;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Message-IDs seen more than once (a message sent twice). */
export function duplicates(mails: readonly ParsedMail[]): string[] {
  const seen = new Map<string, number>();
  for (const mail of mails) seen.set(mail.messageId ?? '', (seen.get(mail.messageId ?? '') ?? 0) + 1);
  return [...seen].filter(([, n]) => n > 1).map(([id]) => id);
}

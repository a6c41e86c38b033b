/**
 * The authorization matrix's one table (issue 11, acceptance 3): for every
 * REST route and socket event, the rule that says who may use it; and, from
 * the rule, the expected outcome for each caller on their own meeting and
 * document and on a foreign one. The matrix test runs every cell against the
 * real server and compares. A route or event missing here fails the test:
 * whoever adds one says who may use it.
 */

/** Who calls. `otherSecretariat`: a secretary of a commune, outside both meetings' units. */
export const CALLERS = ['anonymous', 'display', 'endpoint', 'guest', 'delegate', 'chair', 'otherSecretariat', 'secretariat', 'admin'] as const;
export type Caller = (typeof CALLERS)[number];
/** own: the meeting the caller takes part in (and its top-secret document, poll, display); foreign: one they do not. */
export const SCOPES = ['own', 'foreign'] as const;
export type Scope = (typeof SCOPES)[number];
export type Outcome = 'allow' | 'deny';
/** 'either': both answers are right (a change under way elsewhere decides); such a cell is run but not judged. */
export type Expectation = Outcome | 'either';

/**
 * The rules. Both meetings are in session; the secretariat (Văn phòng Tỉnh ủy)
 * reaches both (one is the province's, one a district's); the commune
 * secretary reaches neither. The own document is tuyệt mật for delegates.
 */
export const RULES = {
  /** anyone, even without logging in */
  public: () => true,
  /** any logged-in user, about themselves or what every user sees */
  signedIn: (c: Caller) => isUser(c),
  /** admins */
  admin: (c: Caller) => c === 'admin',
  /** the secretariat's directory (units, users, endpoints to invite): admins and secretaries */
  directory: (c: Caller) => c === 'admin' || c === 'secretariat' || c === 'otherSecretariat',
  /** organising a meeting for the unit in scope */
  organize: (c: Caller) => c === 'admin' || c === 'secretariat',
  /** seeing the meeting: whoever manages it, and its participants */
  view: (c: Caller, s: Scope) => manages(c) || (s === 'own' && ['chair', 'delegate', 'guest'].includes(c)),
  /** changing the meeting: its secretariat */
  manage: (c: Caller) => manages(c),
  /** running the session: the secretariat and the chair */
  run: (c: Caller, s: Scope) => manages(c) || (s === 'own' && c === 'chair'),
  /** voting members' own acts: the chair and delegates */
  vote: (c: Caller, s: Scope) => s === 'own' && (c === 'chair' || c === 'delegate'),
  /** a member's own acts in the meeting (check in, ask to speak): the chair and delegates; never guests */
  member: (c: Caller, s: Scope) => s === 'own' && (c === 'chair' || c === 'delegate'),
  /** reading the tuyệt mật document (audience: delegates): the secretariat, the chair, delegates */
  readSecret: (c: Caller, s: Scope) => manages(c) || (s === 'own' && (c === 'chair' || c === 'delegate')),
  /** the conference of the meeting: its participants and its endpoints' accounts */
  conference: (c: Caller, s: Scope) => manages(c) || (s === 'own' && ['chair', 'delegate', 'guest', 'endpoint'].includes(c)),
  /** acts on something of the caller's own (a conference peer, an annotation): nobody in the matrix has one, so nobody reaches anyone else's */
  ownThing: () => false,
  /**
   * deleting an annotation: refused for anyone else's, but the caller's own (one an earlier upsert of the run made
   * under the same generated id) may be deleted, so in their own meeting either answer is right
   */
  ownAnnotation: (c: Caller, s: Scope): boolean | 'either' => (s === 'own' && (c === 'chair' || c === 'delegate' || c === 'guest' || manages(c)) ? 'either' : false),
  /** the paired hall display, for its own meeting */
  display: (c: Caller, s: Scope) => c === 'display' && s === 'own',
  /** the presented file: nothing is presented, so no screen gets any */
  displayFile: () => false,
  /**
   * the original bytes of the tuyệt mật document: never to a reader (view only, a copy stamped for them);
   * the secretariat that manages the meeting keeps the original it uploaded
   */
  original: (c: Caller) => manages(c),
  /** approving the meeting's minutes or conclusion notice: its chair only, never the secretariat (issue 12) */
  approveRecord: (c: Caller, s: Scope) => s === 'own' && c === 'chair',
  /** reading an approved minutes or notice: the secretariat, the chair and the meeting's delegates; never guests (issue 12) */
  readApprovedRecord: (c: Caller, s: Scope) => manages(c) || (s === 'own' && (c === 'chair' || c === 'delegate')),
  /** signing an issued minutes or notice: its secretary (here the secretariat keeping the meeting) and its chair; order is checked after (issue 12) */
  signRecord: (c: Caller, s: Scope) => manages(c) || (s === 'own' && c === 'chair'),
} as const satisfies Record<string, (caller: Caller, scope: Scope) => boolean | 'either'>;
export type Rule = keyof typeof RULES;

const isUser = (c: Caller) => c !== 'anonymous' && c !== 'display';
const manages = (c: Caller) => c === 'admin' || c === 'secretariat';

/** Every REST route under /api/v1, by "METHOD url". */
export const ROUTE_RULES: Record<string, Rule> = {
  'GET /api/v1/health': 'public',
  'POST /api/v1/auth/login': 'public',
  'GET /api/v1/auth/me': 'signedIn',
  'POST /api/v1/auth/logout': 'signedIn',
  'POST /api/v1/auth/logout-everywhere': 'signedIn',
  'GET /api/v1/users': 'directory',
  'GET /api/v1/users/:id': 'directory',
  'POST /api/v1/users': 'admin',
  'GET /api/v1/audit': 'admin',
  'GET /api/v1/reports/summary': 'directory',
  'GET /api/v1/audit/export.csv': 'admin',
  'POST /api/v1/audit/verify': 'admin',
  'PATCH /api/v1/users/:id': 'admin',
  'POST /api/v1/users/:id/password': 'admin',
  'GET /api/v1/units': 'directory',
  'GET /api/v1/units/:id': 'directory',
  'POST /api/v1/units': 'admin',
  'PATCH /api/v1/units/:id': 'admin',
  'GET /api/v1/notifications': 'signedIn',
  'POST /api/v1/notifications/read': 'signedIn',
  // e-mail queue (issue 12, sending): settings and the whole queue are the admin's, a meeting's mail its secretariat's
  'GET /api/v1/mail/settings': 'admin',
  'PUT /api/v1/mail/settings': 'admin',
  'GET /api/v1/mail/jobs': 'admin',
  'POST /api/v1/mail/jobs/:id/retry': 'admin',
  'GET /api/v1/meetings/:meetingId/mail': 'manage',
  'POST /api/v1/meetings/:meetingId/mail/:jobId/retry': 'manage',
  'GET /api/v1/search': 'signedIn',
  'GET /api/v1/conferences/mine': 'signedIn',
  'GET /api/v1/meetings/:meetingId/conference': 'conference',
  'PATCH /api/v1/meetings/:meetingId/conference': 'run',
  'GET /api/v1/meetings/:meetingId/conference/points': 'run',
  // conference recording (issue 14): the chair and the secretariat record; whoever may join the conference plays
  'GET /api/v1/meetings/:meetingId/recordings': 'conference',
  'POST /api/v1/meetings/:meetingId/recordings': 'run',
  'POST /api/v1/meetings/:meetingId/recordings/stop': 'run',
  'GET /api/v1/meetings/:meetingId/recordings/:recordingId': 'conference',
  'GET /api/v1/meetings/:meetingId/recordings/:recordingId/chapters.vtt': 'conference',
  'GET /api/v1/meetings/:meetingId/recordings/:recordingId/file': 'conference',
  'GET /api/v1/endpoints': 'directory',
  'POST /api/v1/endpoints': 'admin',
  'PATCH /api/v1/endpoints/:endpointId': 'admin',
  'GET /api/v1/meetings/:meetingId/endpoints': 'view',
  'POST /api/v1/meetings/:meetingId/endpoints': 'manage',
  'DELETE /api/v1/meetings/:meetingId/endpoints/:endpointId': 'manage',
  'POST /api/v1/display/pairings': 'public',
  'GET /api/v1/display/state': 'display',
  'GET /api/v1/display/polls': 'display',
  'GET /api/v1/display/points': 'display',
  'GET /api/v1/display/presentation/file': 'displayFile',
  'GET /api/v1/meetings/:meetingId/displays': 'manage',
  'POST /api/v1/meetings/:meetingId/displays': 'manage',
  'PUT /api/v1/meetings/:meetingId/displays/:displayId': 'manage',
  'DELETE /api/v1/meetings/:meetingId/displays/:displayId': 'manage',
  'GET /api/v1/meetings': 'signedIn',
  'POST /api/v1/meetings': 'organize',
  'GET /api/v1/meetings/:meetingId': 'view',
  'PATCH /api/v1/meetings/:meetingId': 'manage',
  'POST /api/v1/meetings/:meetingId/status': 'run',
  'GET /api/v1/meetings/:meetingId/participants': 'view',
  'POST /api/v1/meetings/:meetingId/participants': 'manage',
  'PATCH /api/v1/meetings/:meetingId/participants/:participantId': 'manage',
  'DELETE /api/v1/meetings/:meetingId/participants/:participantId': 'manage',
  'GET /api/v1/meetings/:meetingId/agenda': 'view',
  'POST /api/v1/meetings/:meetingId/agenda': 'manage',
  'PUT /api/v1/meetings/:meetingId/agenda/order': 'manage',
  'PATCH /api/v1/meetings/:meetingId/agenda/:itemId': 'manage',
  'DELETE /api/v1/meetings/:meetingId/agenda/:itemId': 'manage',
  'GET /api/v1/meetings/:meetingId/polls': 'view',
  'POST /api/v1/meetings/:meetingId/polls': 'run',
  'GET /api/v1/meetings/:meetingId/polls/:pollId': 'view',
  'POST /api/v1/meetings/:meetingId/polls/:pollId/open': 'run',
  'POST /api/v1/meetings/:meetingId/polls/:pollId/close': 'run',
  'POST /api/v1/meetings/:meetingId/polls/:pollId/publish': 'run',
  'POST /api/v1/meetings/:meetingId/polls/:pollId/cancel': 'run',
  'PUT /api/v1/meetings/:meetingId/polls/:pollId/paper': 'manage',
  'POST /api/v1/meetings/:meetingId/polls/:pollId/runoff': 'run',
  'GET /api/v1/meetings/:meetingId/polls/:pollId/ballots': 'view',
  'GET /api/v1/meetings/:meetingId/polls/:pollId/votes': 'view',
  'GET /api/v1/meetings/:meetingId/polls/:pollId/result.csv': 'view',
  'GET /api/v1/meetings/:meetingId/polls/:pollId/result.pdf': 'view',
  'GET /api/v1/meetings/:meetingId/documents': 'view',
  'POST /api/v1/meetings/:meetingId/documents': 'manage',
  'GET /api/v1/documents/:documentId': 'readSecret',
  'PATCH /api/v1/documents/:documentId': 'manage',
  'GET /api/v1/documents/:documentId/versions': 'readSecret',
  'POST /api/v1/documents/:documentId/versions': 'manage',
  'GET /api/v1/documents/:documentId/versions/:version/file': 'readSecret',
  'GET /api/v1/documents/:documentId/versions/:version/download': 'original',
  'GET /api/v1/documents/:documentId/versions/:version/export': 'readSecret',
  'GET /api/v1/documents/:documentId/versions/:version/thumbnail': 'readSecret',
  'GET /api/v1/documents/:documentId/versions/:version/signatures': 'readSecret',
  'POST /api/v1/documents/:documentId/revocations': 'manage',
  'DELETE /api/v1/documents/:documentId/revocations/:userId': 'manage',
  'GET /api/v1/documents/:documentId/versions/:version/annotations': 'readSecret',
  'GET /api/v1/documents/:documentId/versions/:version/annotated': 'readSecret',
  'GET /api/v1/documents/:documentId/comments': 'readSecret',
  'POST /api/v1/documents/:documentId/comments': 'readSecret',
  'PATCH /api/v1/documents/:documentId/comments/:commentId': 'manage',
  // official documents (issue 12): previews and issuing for the secretariat, the issued files for participants
  'POST /api/v1/meetings/:meetingId/official-documents/preview/pdf': 'manage',
  'POST /api/v1/meetings/:meetingId/official-documents/preview/docx': 'manage',
  'POST /api/v1/meetings/:meetingId/official-documents': 'manage',
  'GET /api/v1/meetings/:meetingId/official-documents': 'view',
  'GET /api/v1/meetings/:meetingId/official-documents/:issuedId/pdf': 'view',
  'GET /api/v1/meetings/:meetingId/official-documents/:issuedId/docx': 'view',
  // the meeting's record: minutes and conclusion notice (issue 12, wt-outcome)
  'GET /api/v1/meetings/:meetingId/record': 'run',
  'PUT /api/v1/meetings/:meetingId/record/items/:itemId/note': 'manage',
  'PUT /api/v1/meetings/:meetingId/record/items/:itemId/conclusion': 'run',
  'GET /api/v1/meetings/:meetingId/record/tasks': 'run',
  'GET /api/v1/meetings/:meetingId/record/units': 'run',
  'GET /api/v1/meetings/:meetingId/record/attendance.csv': 'run',
  'GET /api/v1/meetings/:meetingId/record/attendance.pdf': 'run',
  'PATCH /api/v1/meetings/:meetingId/record/tasks/:taskId': 'manage',
  'GET /api/v1/meetings/:meetingId/record/drafts/:kind': 'run',
  'GET /api/v1/meetings/:meetingId/record/drafts/:kind/preview': 'run',
  'GET /api/v1/meetings/:meetingId/record/drafts/:kind/approved': 'readApprovedRecord',
  'GET /api/v1/meetings/:meetingId/record/drafts/:kind/versions/:version': 'run',
  'POST /api/v1/meetings/:meetingId/record/drafts/:kind/build': 'manage',
  'POST /api/v1/meetings/:meetingId/record/drafts/:kind/versions': 'manage',
  'POST /api/v1/meetings/:meetingId/record/drafts/:kind/versions/:version/approve': 'approveRecord',
  // the outcome: issuing the approved minutes or notice, signing in sequence, the signatures' report (issue 12, wt-outcome2)
  'POST /api/v1/meetings/:meetingId/record/drafts/:kind/issue': 'manage',
  'POST /api/v1/meetings/:meetingId/official-documents/:issuedId/signatures': 'signRecord',
  'GET /api/v1/meetings/:meetingId/official-documents/:issuedId/signatures': 'view',
  // the roots of trust signatures are verified against (issue 12)
  'GET /api/v1/admin/trusted-roots': 'admin',
  'POST /api/v1/admin/trusted-roots': 'admin',
  'DELETE /api/v1/admin/trusted-roots/:id': 'admin',
};

/** Every socket event of the users' namespace. */
export const EVENT_RULES: Record<string, Rule> = {
  'session:whoami': 'signedIn',
  'meeting:join': 'view',
  'meeting:snapshot': 'view',
  'meeting:leave': 'signedIn',
  'meeting:start': 'run',
  'meeting:close': 'run',
  'agenda:open': 'run',
  'agenda:next': 'run',
  'attendance:checkIn': 'member',
  'attendance:mark': 'run',
  'speaker:request': 'member',
  'speaker:withdraw': 'view',
  'speaker:give': 'run',
  'speaker:finish': 'run',
  'speaker:timer': 'run',
  'speaker:reorder': 'run',
  'presentation:show': 'run',
  'presentation:page': 'run',
  'presentation:stop': 'run',
  'vote:cast': 'vote',
  'annotation:list': 'readSecret',
  'annotation:upsert': 'readSecret',
  'annotation:delete': 'ownAnnotation',
  'conference:join': 'conference',
  'conference:leave': 'signedIn',
  'conference:raiseHand': 'ownThing',
  'conference:setRtpCapabilities': 'ownThing',
  'conference:createTransport': 'ownThing',
  'conference:connectTransport': 'ownThing',
  'conference:restartIce': 'ownThing',
  'conference:produce': 'ownThing',
  'conference:pauseProducer': 'ownThing',
  'conference:resumeProducer': 'ownThing',
  'conference:closeProducer': 'ownThing',
  'conference:consume': 'ownThing',
  'conference:resumeConsumer': 'ownThing',
  'conference:pauseConsumer': 'ownThing',
  'conference:setPreferredLayers': 'ownThing',
  'conference:setViewMode': 'ownThing',
  'conference:mute': 'ownThing',
  'conference:unmute': 'ownThing',
  'conference:remove': 'ownThing',
  'conference:admit': 'ownThing',
  'conference:spotlight': 'ownThing',
  'conference:giveFloor': 'ownThing',
  'conference:setAdmission': 'ownThing',
};

/** The display namespace's events (only a paired screen connects there). */
export const DISPLAY_EVENT_RULES: Record<string, Rule> = {
  'meeting:join': 'display',
  'meeting:snapshot': 'display',
  /** the receive-only view of its own meeting's conference (tests/integration/display-stage.test.ts has the media calls) */
  'stage:watch': 'display',
};

export function expected(rule: Rule, caller: Caller, scope: Scope): Expectation {
  const verdict: boolean | 'either' = RULES[rule](caller, scope);
  return verdict === 'either' ? 'either' : verdict ? 'allow' : 'deny';
}

/**
 * Error codes that mean "you may not": the caller was refused or told the
 * thing does not exist. Anything else (a success, a conflict, a rule of the
 * meeting such as "already voted") means the call got past the access check.
 */
export const DENIAL_CODES = new Set([
  'unauthenticated',
  'forbidden',
  'unitOutOfReach',
  'meetingNotFound',
  'documentNotFound',
  'pollNotFound',
  'notFound',
  'notEligible',
  'notAMember',
  'notProxy',
  'downloadNotAllowed',
  'displayUnpaired',
  'displayWrongMeeting',
  'displayNoMeeting',
  'displayNotPresenting',
]);

/** Over REST a bare 'notFound' is a missing thing of one's own (an annotation, a comment), never a refusal. */
export function observedRest(status: number, code: string | undefined): Outcome {
  if (status === 401 || status === 403) return 'deny';
  if (status === 404 && (code === undefined || (code !== 'notFound' && DENIAL_CODES.has(code)))) return 'deny';
  return 'allow';
}

export function observedAck(answer: { ok: boolean; error?: { code: string } }): Outcome {
  return !answer.ok && DENIAL_CODES.has(answer.error?.code ?? '') ? 'deny' : 'allow';
}

/** Graph's error envelope fields (platform-apis.md §1.2); fbtrace_id is added when sent. */
export interface GraphErrorFields {
  readonly message: string;
  readonly type?: string;
  readonly code: number;
  readonly error_subcode?: number;
  readonly is_transient?: boolean;
  readonly error_user_title?: string;
  readonly error_user_msg?: string;
}

/** Thrown by Graph routes; the router turns it into `{ error: {...} }` with its HTTP status. */
export class GraphApiError extends Error {
  constructor(
    readonly status: number,
    readonly fields: GraphErrorFields,
  ) {
    super(fields.message);
  }

  body(fbtraceId: string): { error: GraphErrorFields & { fbtrace_id: string } } {
    return { error: { type: 'OAuthException', ...this.fields, fbtrace_id: fbtraceId } };
  }
}

export const invalidToken = (): GraphApiError =>
  new GraphApiError(400, { message: 'Invalid OAuth access token - Cannot parse access token', type: 'OAuthException', code: 190 });

/** Meta's wording for an expired session (platform-apis.md §1.2: code 190, subcode 463), times in Pacific time. */
export const expiredToken = (expiredAt: number, now: number): GraphApiError =>
  new GraphApiError(400, {
    message: `Error validating access token: Session has expired on ${metaTime(expiredAt)}. The current time is ${metaTime(now)}.`,
    type: 'OAuthException',
    code: 190,
    error_subcode: 463,
  });

/** `Thursday, 08-Oct-26 10:00:00 PDT`. */
function metaTime(ms: number): string {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/Los_Angeles',
    weekday: 'long',
    day: '2-digit',
    month: 'short',
    year: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
    timeZoneName: 'short',
  }).formatToParts(new Date(ms));
  const part = (type: Intl.DateTimeFormatPartTypes): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${part('weekday')}, ${part('day')}-${part('month')}-${part('year')} ${part('hour')}:${part('minute')}:${part('second')} ${part('timeZoneName')}`;
}

export const missingToken = (): GraphApiError =>
  new GraphApiError(400, { message: 'An active access token must be used to query information about the current user.', type: 'OAuthException', code: 2500 });

export const noPermission = (code: 10 | 200): GraphApiError =>
  new GraphApiError(403, {
    message: code === 10 ? '(#10) Application does not have permission for this action' : '(#200) The user hasn\'t authorized the application to perform this action',
    type: 'OAuthException',
    code,
  });

export const unknownObject = (id: string, method: string): GraphApiError =>
  new GraphApiError(400, {
    message:
      `Unsupported ${method.toLowerCase()} request. Object with ID '${id}' does not exist, cannot be loaded due to missing permissions, ` +
      'or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api',
    type: 'GraphMethodException',
    code: 100,
    error_subcode: 33,
  });

export const unknownPath = (path: string): GraphApiError =>
  new GraphApiError(400, { message: `Unknown path components: /${path}`, type: 'OAuthException', code: 2500 });

export const nonexistingField = (field: string, nodeType: string): GraphApiError =>
  new GraphApiError(400, { message: `(#100) Tried accessing nonexisting field (${field}) on node type (${nodeType})`, type: 'OAuthException', code: 100 });

export const missingParameter = (name: string): GraphApiError =>
  new GraphApiError(400, { message: `(#100) The parameter ${name} is required`, type: 'OAuthException', code: 100 });

/** Instagram publishing errors carry a subcode, a user title and message, and is_transient (§2.8). */
export const instagramError = (code: number, subcode: number, message: string, title: string, userMessage: string, isTransient = false): GraphApiError =>
  new GraphApiError(400, {
    message,
    type: 'OAuthException',
    code,
    error_subcode: subcode,
    is_transient: isTransient,
    error_user_title: title,
    error_user_msg: userMessage,
  });

/**
 * Instagram's temporary errors (platform-apis.md §2.8, action "retry"), by subcode: answered with HTTP 400, not a 5xx,
 * and marked is_transient.
 */
export const INSTAGRAM_TEMPORARY_ERRORS = {
  2207001: { code: -1, message: 'Instagram server error', userMessage: 'An unexpected error occurred. Please try again later.' },
  2207003: { code: -2, message: 'It takes too long to download the media', userMessage: 'Downloading the media took too long. Please try again.' },
  2207008: { code: 24, message: 'The media builder has expired', userMessage: 'The media builder is temporarily unavailable. Please try again.' },
} as const;
export type InstagramTemporarySubcode = keyof typeof INSTAGRAM_TEMPORARY_ERRORS;

export const isInstagramTemporarySubcode = (subcode: number | undefined): subcode is InstagramTemporarySubcode =>
  subcode !== undefined && Object.hasOwn(INSTAGRAM_TEMPORARY_ERRORS, subcode);

export const instagramTemporaryError = (subcode: InstagramTemporarySubcode): GraphApiError => {
  const { code, message, userMessage } = INSTAGRAM_TEMPORARY_ERRORS[subcode];
  return instagramError(code, subcode, message, 'Temporary error', userMessage, true);
};

/** Graph's generic server failure: code 1 "unknown error" with HTTP 500, marked transient. */
export const unknownServerError = (): GraphApiError =>
  new GraphApiError(500, { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, is_transient: true });

/** Graph's throttling codes (platform-apis.md §1.2): app, user, Page, "calls to this api", Pages BUC, Instagram BUC. */
export const THROTTLE_MESSAGES = {
  4: '(#4) Application request limit reached',
  17: '(#17) User request limit reached',
  32: '(#32) Page request limit reached',
  613: '(#613) Calls to this api have exceeded the rate limit.',
  80001: '(#80001) There have been too many calls to this Page account. Wait a bit and try again.',
  80002: '(#80002) There have been too many calls to this Instagram account. Wait a bit and try again.',
} as const;

export type ThrottleCode = keyof typeof THROTTLE_MESSAGES;

/**
 * Subcodes Instagram sends with a throttling code that change its meaning: 2207051 is the spam protection ("We
 * restrict certain activity…", platform-apis.md §2.8, action "stop"), not a limit to wait out. The user title is
 * illustrative [?].
 */
const THROTTLE_SUBCODES: Readonly<Record<number, { readonly title: string; readonly userMessage: string; readonly isTransient: boolean }>> = {
  2207051: {
    title: 'Action is blocked',
    userMessage: 'We restrict certain activity to protect our community. Let us know if you think we made a mistake.',
    isTransient: false,
  },
};

/**
 * Meta answers throttling with HTTP 400 and the code; the usage headers say when access returns (§1.3). A subcode
 * listed above brings its own user message; any other is sent as given.
 */
export const throttled = (code: ThrottleCode, subcode?: number): GraphApiError => {
  const known = subcode === undefined ? undefined : THROTTLE_SUBCODES[subcode];
  return new GraphApiError(400, {
    message: THROTTLE_MESSAGES[code],
    type: 'OAuthException',
    code,
    ...(subcode === undefined ? {} : { error_subcode: subcode }),
    is_transient: known?.isTransient ?? true,
    ...(known === undefined ? {} : { error_user_title: known.title, error_user_msg: known.userMessage }),
  });
};

/** media_publish on a container in ERROR: Meta's "re-create media" answer (§2.8 -1/2207032, action "new container"). */
export const containerFailed = (): GraphApiError =>
  instagramError(-1, 2207032, 'Create media fail, please try to re-create media', 'Media creation failed', 'Create media fail, please try to re-create media');

/** Facebook's duplicate consecutive post (code 506). */
export const duplicatePost = (): GraphApiError => new GraphApiError(400, { message: '(#506) Duplicate status message', type: 'OAuthException', code: 506 });

/** Instagram's 24 h content-publishing quota is used up (code 9, subcode 2207042, §2.5). */
export const publishingQuotaExhausted = (): GraphApiError =>
  instagramError(9, 2207042, 'Application request limit reached', 'Cannot publish', 'You reached maximum number of posts that is allowed to be published by Content Publishing API.');

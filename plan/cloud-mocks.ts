// What the clouds would answer, in shape, for the calls and computed outputs this program uses.
// Strict: a call not listed here fails the plan (see StrictMocks).

import type { CallMock, StateMock } from "./mocks";

export const CALLS: Readonly<Record<string, CallMock>> = {};

export const STATES: Readonly<Record<string, StateMock>> = {};

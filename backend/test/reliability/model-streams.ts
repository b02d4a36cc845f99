// The model test's event streams: each of the three users holds one for the whole run (reopened
// from its last event if it ends, as a browser would), and at the end every event each received
// must be about that user's own tasks, made by that user, in increasing id order, none twice.
import { expect } from "vitest";
import type { ChangeView } from "../../src/changes/changes.service.ts";
import { type EventStream, openEventStream } from "../event-stream.ts";
import type { ApiUser } from "./model-world.ts";

export interface Watch {
  user: ApiUser;
  changes: ChangeView[];
  stop(): void;
}

/** Opens a stream for `user` and keeps it open (reopening after its last event) until stopped. */
export function watchEvents(baseUrl: string, user: ApiUser): Watch {
  const changes: ChangeView[] = [];
  let stopped = false;
  let current: EventStream | undefined;
  const follow = async () => {
    while (!stopped) {
      const last = changes.at(-1)?.id;
      current = await openEventStream(`${baseUrl}/api/me/events`, {
        Cookie: user.browser.cookieHeader,
        ...(last === undefined ? {} : { "Last-Event-ID": String(last) }),
      });
      for (;;) {
        const event = await current.next(60 * 60_000).catch(() => undefined);
        if (!event) break;
        if (event.event === "change") changes.push(JSON.parse(event.data) as ChangeView);
      }
    }
  };
  void follow();
  return {
    user,
    changes,
    stop() {
      stopped = true;
      current?.close();
    },
  };
}

/**
 * What the streams received: only their own user's changes, in order, none twice, made by that
 * user (or by no one: the reset between runs is a statement of the test's own).
 */
export function expectOwnEventsOnly(watches: Watch[]): number {
  let total = 0;
  for (const { user, changes } of watches) {
    total += changes.length;
    const ids = changes.map((change) => change.id);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    for (const change of changes) {
      expect([user.id, null]).toContain(change.actor_id);
      for (const task of [...(change.before ?? []), ...(change.after ?? [])]) {
        expect(task.user_id).toBe(user.id);
      }
    }
  }
  return total;
}

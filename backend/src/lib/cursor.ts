import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Opaque, tamper-proof page cursors. A cursor carries the keyset position and is bound to the
 * query it came from (sort and filters): a changed byte, or a cursor reused with other filters,
 * is refused rather than silently giving a wrong page.
 */
export function createCursorCodec(secret: string) {
  const key = createHmac("sha256", secret).update("todo page cursor v1").digest();
  const sign = (data: string) => createHmac("sha256", key).update(data).digest("base64url");

  return {
    encode(position: unknown, query: string): string {
      const data = Buffer.from(JSON.stringify([position, query])).toString("base64url");
      return `${data}.${sign(data)}`;
    },
    /** The position, or undefined when the cursor is forged, damaged or from another query. */
    decode(cursor: string, query: string): unknown {
      const [data = "", signature = ""] = cursor.split(".");
      const expected = Buffer.from(sign(data));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      try {
        const [position, boundTo] = JSON.parse(Buffer.from(data, "base64url").toString()) as [
          unknown,
          string,
        ];
        return boundTo === query ? position : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

export type CursorCodec = ReturnType<typeof createCursorCodec>;

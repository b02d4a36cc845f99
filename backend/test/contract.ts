// Checks a real response against the OpenAPI document the server itself serves (/openapi.json):
// the operation must be in the document, its status declared, the declared headers present, and
// the body of a declared media type matching its schema. A response it cannot check fails the test
// rather than passing unchecked: a request the document does not describe (an unknown route, a
// wrong method) is for a test to send without this check.

import { expect } from "vitest";
import {
  createResponseChecker,
  findOperation,
  type OpenApiDocument,
  type Operation,
  operationsOf,
} from "./openapi-document.ts";

interface Contract {
  operations: Operation[];
  check: ReturnType<typeof createResponseChecker>;
}

/** One document per server (by origin), fetched once. */
const contracts = new Map<string, Promise<Contract>>();

async function loadContract(origin: string): Promise<Contract> {
  const response = await fetch(`${origin}/openapi.json`);
  if (!response.ok) throw new Error(`${origin}/openapi.json answered ${response.status}`);
  const doc = (await response.json()) as OpenApiDocument;
  return { operations: operationsOf(doc), check: createResponseChecker(doc) };
}

/** Fails the test when `response` (to `method url`) breaks the OpenAPI document, or is not in it. */
export async function expectMatchesContract(
  method: string,
  url: string,
  response: Response,
): Promise<void> {
  const { origin, pathname } = new URL(url);
  let contract = contracts.get(origin);
  if (!contract) {
    contract = loadContract(origin);
    contracts.set(origin, contract);
  }
  const { operations, check } = await contract;
  const where = `${method} ${pathname} → ${response.status}`;
  const operation = findOperation(operations, method, pathname);
  if (!operation) throw new Error(`${where}: no operation in the OpenAPI document to check it by`);
  const problems = check(operation, {
    status: response.status,
    headers: Object.fromEntries(response.headers),
    body: await response.clone().text(),
  });
  expect(problems, `${where}: breaks the OpenAPI document`).toEqual([]);
}

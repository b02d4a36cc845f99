// An OpenAPI 3.1 document (JSON Schema 2020-12) as the tests read it: its operations, and a check of
// a real response against the operation it answered for. contract.ts checks the API tests'
// responses with it; the spec-driven fuzzer (reliability/fuzz.test.ts) its own.

import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

// ---- The document ----

/** A JSON Schema, as far as the tests read one (the subset the document uses, and a bit more). */
export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  nullable?: boolean;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  default?: unknown;
  example?: unknown;
  description?: string;
};

interface MediaType {
  schema?: JsonSchema;
}

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema?: JsonSchema;
}

interface DeclaredResponse {
  description?: string;
  headers?: Record<string, { required?: boolean; schema?: JsonSchema }>;
  content?: Record<string, MediaType>;
}

interface RawOperation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content?: Record<string, MediaType> };
  responses?: Record<string, DeclaredResponse>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, RawOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
  security?: Record<string, string[]>[];
}

export interface Operation {
  id: string;
  method: string;
  /** The path template, e.g. /api/{user_id}/tasks/{id}. */
  path: string;
  parameters: Parameter[];
  body?: { required: boolean; mediaType: string; schema: JsonSchema };
  responses: Record<string, DeclaredResponse>;
  /** False when the operation needs no credentials (`security: []`). */
  secured: boolean;
}

const METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/** Every path + method of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): Operation => {
        const jsonBody = Object.entries(op.requestBody?.content ?? {}).find(([type]) =>
          /json/.test(type),
        );
        const security = op.security ?? doc.security ?? [];
        return {
          id: op.operationId ?? `${method.toUpperCase()} ${path}`,
          method: method.toUpperCase(),
          path,
          parameters: op.parameters ?? [],
          ...(jsonBody
            ? {
                body: {
                  required: op.requestBody?.required ?? false,
                  mediaType: jsonBody[0],
                  schema: jsonBody[1].schema ?? {},
                },
              }
            : {}),
          responses: op.responses ?? {},
          secured: security.length > 0 && !security.some((s) => Object.keys(s).length === 0),
        };
      }),
  );
}

/** Follows local `$ref`s (`#/components/schemas/X`) until a schema that is not one. */
export function deref(doc: OpenApiDocument, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; current.$ref !== undefined; hops++) {
    if (hops > 20 || !current.$ref.startsWith("#/")) throw new Error(`bad $ref ${current.$ref}`);
    let target: unknown = doc;
    for (const part of current.$ref.slice(2).split("/")) {
      target = (target as Record<string, unknown>)[
        part.replaceAll("~1", "/").replaceAll("~0", "~")
      ];
    }
    if (typeof target !== "object" || target === null) throw new Error(`no ${current.$ref}`);
    current = target as JsonSchema;
  }
  return current;
}

/** A path template as a pattern for concrete paths: /api/{user_id}/tasks → ^/api/[^/]+/tasks$. */
const templatePattern = (template: string) =>
  new RegExp(`^${template.replace(/\{[^}]+\}/g, "[^/]+")}$`);

const parameterCount = (template: string) => template.split("{").length - 1;

/**
 * The operation that answers `method` on a concrete `path` (/api/me/tasks/7), or undefined when the
 * document has none. A literal segment wins over a parameter: /tasks/stats over /tasks/{id}.
 */
export function findOperation(
  operations: readonly Operation[],
  method: string,
  path: string,
): Operation | undefined {
  return operations
    .filter((op) => op.method === method.toUpperCase() && templatePattern(op.path).test(path))
    .sort((a, b) => parameterCount(a.path) - parameterCount(b.path))[0];
}

// ---- Response checks ----

/** Checks a response against the operation's declared responses; returns what is wrong. */
export function createResponseChecker(doc: OpenApiDocument) {
  // OpenAPI adds `example` (and the document's own keys) to JSON Schema: not validation keywords.
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true });
  addFormats.default(ajv);
  const cache = new Map<string, ValidateFunction>();
  const validatorFor = (schema: JsonSchema): ValidateFunction => {
    const key = JSON.stringify(schema);
    let validate = cache.get(key);
    if (!validate) {
      // Local $refs resolve against the root: give the schema the document's components.
      validate = ajv.compile({ ...schema, components: doc.components });
      cache.set(key, validate);
    }
    return validate;
  };

  return (
    op: Operation,
    response: {
      status: number;
      headers: Record<string, string | string[] | undefined>;
      body: string;
    },
  ): string[] => {
    const declared = op.responses[String(response.status)] ?? op.responses.default;
    if (!declared) {
      return [
        `status ${response.status} is not declared (declared: ${Object.keys(op.responses).join(", ")})`,
      ];
    }
    const problems: string[] = [];
    for (const [name, header] of Object.entries(declared.headers ?? {})) {
      if (header.required && response.headers[name.toLowerCase()] === undefined) {
        problems.push(`required header ${name} missing`);
      }
    }
    const content = declared.content;
    if (!content || Object.keys(content).length === 0) {
      if (response.body !== "")
        problems.push(`declared without a body, got ${response.body.length} bytes`);
      return problems;
    }
    const contentType = String(response.headers["content-type"] ?? "");
    const media = Object.entries(content).find(([type]) =>
      contentType.toLowerCase().startsWith(type.toLowerCase()),
    );
    if (!media) {
      problems.push(
        `content-type "${contentType}" is not one of ${Object.keys(content).join(", ")}`,
      );
      return problems;
    }
    const schema = media[1].schema;
    if (!schema) return problems;
    // Only JSON bodies have a schema to check against (an event stream is text).
    if (!/json/i.test(media[0])) return problems;
    let body: unknown;
    try {
      body = JSON.parse(response.body);
    } catch {
      problems.push("body is not JSON");
      return problems;
    }
    const validate = validatorFor(schema);
    if (!validate(body)) {
      problems.push(
        `body does not match the ${media[0]} schema: ${ajv.errorsText(validate.errors, { separator: "; " })}`,
      );
    }
    return problems;
  };
}

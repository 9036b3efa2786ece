import { toFile, toStreamingFile } from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { speechBytes } from "../support/fake-endpoints.js";
import { OPENAI_HEADERS, startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { sleep, useRelayWithFakeUpstream } from "../support/fixture.js";

const t = useRelayWithFakeUpstream();

describe("the OpenAI API beyond chat, through the relay with the openai client", () => {
  it("streams a Responses answer as OpenAI's named events", async () => {
    t.upstream.options.words = ["Salut", "les", "Macs"];
    const stream = await t.relay.client("sk-test-resp-1").responses.create({
      model: "gpt-4.1-mini",
      input: "Dis bonjour",
      stream: true,
    });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
      if (event.type === "response.completed") expect(event.response.usage?.output_tokens).toBe(3);
    }
    expect(text).toBe("Salut les Macs");
    expect(types[0]).toBe("response.created");
    expect(types.filter((t) => t === "response.output_text.delta")).toHaveLength(3);
    expect(types.at(-1)).toBe("response.completed");
    expect(t.upstream.requests[0]?.headers.authorization).toBe("Bearer sk-test-resp-1");
  });

  it("returns a Responses answer as JSON when not streaming", async () => {
    const response = await t.relay.client("sk-test-resp-2").responses.create({ model: "gpt-4.1-mini", input: "x" });
    expect(response.output_text).toBe("Bonjour de la passerelle");
  });

  it("computes embeddings", async () => {
    const result = await t.relay.client("sk-test-emb-1").embeddings.create({
      model: "text-embedding-3-small",
      input: ["ab", "abcd"],
      encoding_format: "float",
    });
    expect(result.data.map((d) => d.embedding[0])).toEqual([2, 4]);
    expect(t.upstream.requests[0]?.path).toBe("/v1/embeddings");
  });

  it("lists models", async () => {
    const models = await t.relay.client("sk-test-models-1").models.list();
    expect(models.data.map((m) => m.id)).toContain("gpt-4.1-mini");
  });

  it("moderates", async () => {
    const result = await t.relay.client("sk-test-mod-1").moderations.create({ input: "I hate Mondays" });
    expect(result.results[0]?.flagged).toBe(true);
  });

  it("streams an 8 MB audio upload to the upstream while the caller is still sending it", async () => {
    const MB = 1024 * 1024;
    let reachedUpstreamEarly = false;
    async function* audio() {
      yield new Uint8Array(MB).fill(1);
      // Hold the other 7 MB until the upstream has seen the first bytes: a buffering relay would wait forever here.
      for (let waited = 0; waited < 3000 && t.upstream.requests[0]?.firstBodyByteAt === undefined; waited += 10) {
        await sleep(10);
      }
      reachedUpstreamEarly = t.upstream.requests[0]?.firstBodyByteAt !== undefined;
      for (let i = 0; i < 7; i++) yield new Uint8Array(MB).fill(2);
    }
    const result = await t.relay.client("sk-test-audio-1").audio.transcriptions.create({
      file: toStreamingFile(audio(), "lecture.wav", { type: "audio/wav" }),
      model: "whisper-1",
    });
    expect(reachedUpstreamEarly).toBe(true);
    expect(result.text).toBe(`Heard ${8 * MB} bytes of lecture.wav with whisper-1.`);
    expect(t.upstream.requests[0]?.headers["content-type"]).toMatch(/^multipart\/form-data; boundary=/);
  });

  it("streams speech back as binary audio, chunk by chunk", async () => {
    t.upstream.options = { words: ["a", "b", "c", "d"], holdAfterFirstChunk: true };
    const response = await t.relay.client("sk-test-speech-1").audio.speech.create({
      model: "gpt-4o-mini-tts",
      voice: "alloy",
      input: "Bonjour",
    });
    expect(response.headers.get("content-type")).toBe("audio/mpeg");
    const reader = response.body!.getReader();
    const parts: Uint8Array[] = [];
    const first = await reader.read();
    parts.push(first.value!);
    // The first 64 kB reached the caller while the upstream still holds the rest.
    expect(t.upstream.requests[0]?.finishedAt).toBeUndefined();
    t.upstream.release();
    for (let r = await reader.read(); !r.done; r = await reader.read()) parts.push(r.value);
    expect(Buffer.concat(parts).equals(speechBytes(4 * 64 * 1024))).toBe(true);
  });

  it("uploads, lists (with its query string), downloads and deletes files", async () => {
    const client = t.relay.client("sk-test-files-1");
    const content = '{"custom_id":"1"}\n';
    const created = await client.files.create({
      file: await toFile(Buffer.from(content), "batch.jsonl"),
      purpose: "batch",
    });
    expect(created).toMatchObject({ filename: "batch.jsonl", bytes: content.length, purpose: "batch" });
    const list = await client.files.list({ purpose: "batch" });
    expect(list.data.map((f) => f.id)).toEqual([created.id]);
    expect(t.upstream.requests[1]?.path).toBe("/v1/files?purpose=batch");
    const download = await client.files.content(created.id);
    expect(await download.text()).toBe(content);
    const deleted = await client.files.delete(created.id);
    expect(deleted.deleted).toBe(true);
    expect(t.upstream.requests.map((r) => r.method)).toEqual(["POST", "GET", "GET", "DELETE"]);
  });
});

describe("methods, queries and headers", () => {
  it("passes OpenAI's headers both ways", async () => {
    const client = t.relay.client("sk-test-head-1", { organization: "org-caller", project: "proj_caller" });
    const { response } = await client.chat.completions
      .create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "x" }] })
      .withResponse();
    for (const [name, value] of Object.entries(OPENAI_HEADERS)) expect(response.headers.get(name), name).toBe(value);
    expect(response.headers.get("x-request-id")).toBe("req_fake_json");
    const seen = t.upstream.requests[0]!.headers;
    expect(seen["openai-organization"]).toBe("org-caller");
    expect(seen["openai-project"]).toBe("proj_caller");
  });

  it("keeps the method and the query string exactly as sent", async () => {
    const answer = await t.relay.raw(
      "PATCH /v1/fine_tuning/jobs/ft-1?after=a%2Fb&limit=2&x= HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer sk-test-q\r\nContent-Length: 2\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{}",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 404/);
    expect(t.upstream.requests[0]).toMatchObject({
      method: "PATCH",
      path: "/v1/fine_tuning/jobs/ft-1?after=a%2Fb&limit=2&x=",
    });
  });

  it("drops hop-by-hop headers in both directions", async () => {
    t.upstream.options.extraHeaders = { connection: "x-upstream-hop", "x-upstream-hop": "1", "x-kept": "yes" };
    const answer = await t.relay.raw(
      "GET /v1/models HTTP/1.1\r\nHost: relay\r\nAuthorization: Bearer sk-test-hop\r\nConnection: close, x-caller-hop\r\nX-Caller-Hop: 1\r\nTE: trailers\r\nKeep-Alive: timeout=5\r\nX-Kept: yes\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer.toLowerCase()).not.toContain("x-upstream-hop");
    expect(answer.toLowerCase()).toContain("x-kept: yes");
    const seen = t.upstream.requests[0]!.headers;
    expect(seen["x-caller-hop"]).toBeUndefined();
    expect(seen.te).toBeUndefined();
    expect(seen["keep-alive"]).toBeUndefined();
    expect(seen["x-kept"]).toBe("yes");
  });
});

describe("the relay calls its upstream and no other host", () => {
  let evil: FakeUpstream;
  beforeAll(async () => {
    evil = await startFakeUpstream();
  });
  afterAll(() => evil.close());

  it("does not follow an upstream redirect: the caller gets a 502 and the target nothing", async () => {
    t.upstream.options.redirectTo = `${evil.baseURL}/chat/completions`;
    const error = await t.relay
      .client("sk-test-redirect-1")
      .chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "x" }] })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, code: "upstream_redirect" });
    expect(evil.requests).toHaveLength(0);
  });

  it("sends absolute-form targets, Host changes, //host paths and encoded tricks nowhere but its upstream", async () => {
    const evilHost = new URL(evil.baseURL).host;
    const head = "Authorization: Bearer sk-test-evil\r\nConnection: close\r\n\r\n";
    const attempts = [
      `GET http://${evilHost}/v1/models HTTP/1.1\r\nHost: ${evilHost}\r\n${head}`,
      `GET /v1/models HTTP/1.1\r\nHost: ${evilHost}\r\nX-Forwarded-Host: ${evilHost}\r\nForwarded: host=${evilHost}\r\n${head}`,
      `GET //${evilHost}/v1/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `GET /v1//${evilHost}/v1/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `GET /v1/%2F%2F${evilHost}/v1/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `GET /v1/%252e%252e/%252e%252e/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `GET /v1@${evilHost}/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `GET /v1\\\\${evilHost}/models HTTP/1.1\r\nHost: relay\r\n${head}`,
      `CONNECT ${evilHost} HTTP/1.1\r\nHost: ${evilHost}\r\n${head}`,
      `GET /v1/models HTTP/1.1\r\nHost: relay\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nAuthorization: Bearer sk-test-evil\r\n\r\n`,
    ];
    for (const attempt of attempts) await t.relay.raw(attempt, 500);
    expect(evil.requests).toHaveLength(0);
    for (const r of t.upstream.requests) expect(r.path, r.path).toMatch(/^\/v1\//);
    // The absolute-form request was served, by the configured upstream, under its own path.
    expect(t.upstream.requests[0]?.path).toBe("/v1/models");
  });
});

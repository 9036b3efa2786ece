import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { startFakeUpstream, type FakeUpstream } from "../support/fake-upstream.js";
import { startRelayUnderTest, type RelayUnderTest } from "../support/relay-under-test.js";
import { extensionModule } from "../support/extension.js";

/**
 * Files attached on the Mac, through the real relay, to a fake OpenAI: the extension's own modules read, scale and
 * encode them (sips replaced by a recording stand-in, as there is no sips here), its client sends them.
 */

interface Attachment {
  name: string;
  kind: string;
  data: Buffer;
}
interface ExtensionAttachments {
  prepareAttachment(path: string, options?: { tools?: unknown }): Promise<Attachment>;
}
interface ExtensionImageTools {
  imageTools(run: unknown): unknown;
}
interface FakeSips {
  fakeSips(options?: { aspect?: number }): { run: unknown; calls: { program: string; args: string[] }[] };
}
interface TestImages {
  pngBytes(width: number, height: number, options?: { noise?: boolean }): Buffer;
  pdfBytes(size: number): Buffer;
}
interface ExtensionClient {
  createRelayClient(connection: object, apiKey: string, options?: { maxRetries?: number }): unknown;
  checkRelayHealth(connection: object): Promise<{ maxBodyBytes?: number }>;
}
interface ExtensionCompletion {
  streamCompletion(
    client: unknown,
    request: {
      model: string;
      messages: Array<{ role: string; content: string; attachments?: Attachment[] }>;
      maxBodyBytes?: number;
    },
    onDelta: (text: string) => void,
  ): Promise<{ text: string }>;
}

let upstream: FakeUpstream;
let relay: RelayUnderTest;
let small: RelayUnderTest;
let attachments: ExtensionAttachments;
let tools: ExtensionImageTools;
let sips: FakeSips;
let images: TestImages;
let client: ExtensionClient;
let completion: ExtensionCompletion;
const dir = mkdtempSync(join(tmpdir(), "passerelle-attachments-"));

function connectionTo(target: RelayUnderTest) {
  return {
    address: `https://127.0.0.1:${target.relay.port}`,
    scheme: "https",
    certificatePem: target.certificatePem,
    deviceToken: target.token,
  };
}

function put(name: string, data: Buffer | string): string {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
}

/** Asks about `files` as the extension does: the relay's limit from /health, then the question with the files. */
async function askWith(target: RelayUnderTest, files: Attachment[], model = "gpt-4.1") {
  const connection = connectionTo(target);
  const { maxBodyBytes } = await client.checkRelayHealth(connection);
  return completion.streamCompletion(
    client.createRelayClient(connection, "sk-test-from-the-mac", { maxRetries: 0 }),
    { model, messages: [{ role: "user", content: "What is in these?", attachments: files }], maxBodyBytes },
    () => undefined,
  );
}

/** The content parts of the last request the fake OpenAI received at `path`. */
function lastParts(path: string): Array<Record<string, unknown>> {
  const request = upstream.requests.filter((r) => r.path === path).at(-1)!;
  const body = JSON.parse(request.rawBody.toString("utf8"));
  return path === "/v1/responses" ? body.input[0].content : body.messages[0].content;
}

function dataOf(url: unknown, mimeType: string): Buffer {
  const prefix = `data:${mimeType};base64,`;
  expect(String(url).startsWith(prefix)).toBe(true);
  return Buffer.from(String(url).slice(prefix.length), "base64");
}

beforeAll(async () => {
  attachments = await extensionModule<ExtensionAttachments>("attachments/prepare.ts");
  tools = await extensionModule<ExtensionImageTools>("attachments/image-tools.ts");
  sips = await extensionModule<FakeSips>("../test/fake-sips.ts");
  images = await extensionModule<TestImages>("../test/images.ts");
  client = await extensionModule<ExtensionClient>("relay/transport.ts");
  completion = await extensionModule<ExtensionCompletion>("openai/completion.ts");
  upstream = await startFakeUpstream({ words: ["Two", "files."] });
  relay = await startRelayUnderTest(upstream.baseURL);
  const { limits } = loadConfig(["--upstream", upstream.baseURL], {});
  small = await startRelayUnderTest(upstream.baseURL, { limits: { ...limits, maxBodyBytes: 5_000_000 } });
});
afterAll(async () => {
  await relay.relay.stop(100);
  await small.relay.stop(100);
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("files attached on the Mac, through the relay", () => {
  it("a 5 MB PNG and a 3 MB PDF reach OpenAI byte-exact, as an image input and a file input", async () => {
    const png = images.pngBytes(1300, 1300, { noise: true });
    const pdf = images.pdfBytes(3_000_000);
    expect(png.length).toBeGreaterThan(5_000_000);
    const runner = sips.fakeSips();
    const files = [
      await attachments.prepareAttachment(put("photo.png", png), { tools: tools.imageTools(runner.run) }),
      await attachments.prepareAttachment(put("report.pdf", pdf)),
    ];
    const answer = await askWith(relay, files);
    expect(answer.text).toBe("Two files.");
    const [image, file, question] = lastParts("/v1/responses");
    expect(image).toMatchObject({ type: "input_image", detail: "auto" });
    expect(dataOf(image.image_url, "image/png").equals(png)).toBe(true);
    expect(file).toMatchObject({ type: "input_file", filename: "report.pdf" });
    expect(dataOf(file.file_data, "application/pdf").equals(pdf)).toBe(true);
    expect(question).toEqual({ type: "input_text", text: "What is in these?" });
    // No scaling was asked for an image within 2,048 px: only its thumbnail.
    expect(runner.calls.filter((call) => call.args.includes("2048"))).toEqual([]);
  });

  it("a 25 MB file is refused on the Mac, naming it and the limit, and nothing is sent", async () => {
    const before = upstream.requests.length;
    const failure = await attachments
      .prepareAttachment(put("scan.pdf", Buffer.alloc(25_000_000, 0x25)))
      .catch((error: unknown) => error);
    expect((failure as Error).name).toBe("AttachmentTooLargeError");
    expect(failure).toMatchObject({ facts: { fileName: "scan.pdf", bytes: 25_000_000, limit: 20_000_000 } });
    expect(upstream.requests.length).toBe(before);
  });

  it("a request over the relay's --max-body is refused on the Mac, with its limit from /health, before sending", async () => {
    const before = upstream.requests.length;
    const logged = small.logs.length;
    const png = await attachments.prepareAttachment(put("big.png", images.pngBytes(1200, 1200, { noise: true })), {
      tools: tools.imageTools(sips.fakeSips().run),
    });
    const failure = await askWith(small, [png]).catch((error: unknown) => error);
    expect((failure as Error).name).toBe("RequestTooLargeError");
    const facts = (failure as { facts: { bytes: number; limit: number; fileNames: string[] } }).facts;
    expect(facts).toMatchObject({ limit: 5_000_000, fileNames: ["big.png"] });
    expect(facts.bytes).toBeGreaterThan(facts.limit);
    expect(upstream.requests.length).toBe(before);
    // The relay saw /health only.
    expect(small.logs.slice(logged).map((entry) => entry.path)).toEqual(["/health"]);
  });

  it("a 4,000 px image is scaled down by the runner to 2,048 px, and the smaller image is what is sent", async () => {
    const runner = sips.fakeSips({ aspect: 4000 / 1000 });
    const path = put("panorama.png", images.pngBytes(4000, 1000));
    await askWith(relay, [await attachments.prepareAttachment(path, { tools: tools.imageTools(runner.run) })]);
    expect(runner.calls[0]).toEqual({
      program: "/usr/bin/sips",
      args: ["-s", "format", "png", "-Z", "2048", path, "--out", expect.any(String)],
    });
    const [image] = lastParts("/v1/responses");
    const sent = dataOf(image.image_url, "image/png");
    expect([sent.readUInt32BE(16), sent.readUInt32BE(20)]).toEqual([2048, 512]); // IHDR width, height
  });

  it("a text file arrives inline, in a fenced block named after the file", async () => {
    const notes = await attachments.prepareAttachment(put("notes.md", "# Plan\n\n- ship it\n"));
    await askWith(relay, [notes]);
    const [text] = lastParts("/v1/responses");
    expect(text).toEqual({ type: "input_text", text: "notes.md\n```markdown\n# Plan\n\n- ship it\n```" });
  });

  it("a model served by the PC gets the same files as Chat Completions parts", async () => {
    const png = images.pngBytes(64, 64);
    const file = await attachments.prepareAttachment(put("icon.png", png), {
      tools: tools.imageTools(sips.fakeSips().run),
    });
    await askWith(relay, [file], "llava:7b");
    const [image] = lastParts("/v1/chat/completions");
    expect(image).toMatchObject({ type: "image_url" });
    expect(dataOf((image.image_url as { url: string }).url, "image/png").equals(png)).toBe(true);
  });
});

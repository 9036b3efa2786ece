import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { buildSync } from "esbuild";
import { describe, expect, it } from "vitest";
import { attachmentInfo, type Attachment } from "../attachments/attachment";
import { encodeChatBody, encodeResponsesBody } from "./request-body";

function file(name: string, kind: Attachment["kind"], mimeType: string, data: Buffer, language?: string): Attachment {
  return { name, kind, mimeType, data, bytes: data.length, sha256: "x", language };
}

describe("request bodies with files", () => {
  const image = file("shot.png", "image", "image/png", randomBytes(3 * 256 * 1024 * 2 + 1)); // spans slices, not a multiple of 3
  const pdf = file("report.pdf", "pdf", "application/pdf", randomBytes(1000));
  const code = file("main.ts", "text", "text/plain", Buffer.from("const a = `x`;\n```\ninner\n```\n"), "typescript");

  it("puts an image, a PDF and a text file into a Responses message, byte-exact and the question last", () => {
    const { bytes, fileNames } = encodeResponsesBody({
      model: "gpt-4.1",
      messages: [{ role: "user", content: "What is this?", attachments: [image, pdf, code] }],
    });
    const body = JSON.parse(bytes.toString("utf8"));
    const [imagePart, pdfPart, textPart, question] = body.input[0].content;
    expect(imagePart).toEqual({
      type: "input_image",
      image_url: `data:image/png;base64,${image.data.toString("base64")}`,
      detail: "auto",
    });
    expect(pdfPart).toEqual({
      type: "input_file",
      filename: "report.pdf",
      file_data: `data:application/pdf;base64,${pdf.data.toString("base64")}`,
    });
    // A fence longer than any backtick run inside, named after the file.
    expect(textPart).toEqual({
      type: "input_text",
      text: "main.ts\n````typescript\nconst a = `x`;\n```\ninner\n```\n````",
    });
    expect(question).toEqual({ type: "input_text", text: "What is this?" });
    expect(fileNames).toEqual(["shot.png", "report.pdf", "main.ts"]);
  });

  it("puts the same files into Chat Completions parts for a server on the PC", () => {
    const { bytes } = encodeChatBody({
      model: "llava",
      messages: [{ role: "user", content: "And this?", attachments: [image, pdf] }],
    });
    const body = JSON.parse(bytes.toString("utf8"));
    expect(body.messages[0].content).toEqual([
      { type: "image_url", image_url: { url: `data:image/png;base64,${image.data.toString("base64")}` } },
      {
        type: "file",
        file: { filename: "report.pdf", file_data: `data:application/pdf;base64,${pdf.data.toString("base64")}` },
      },
      { type: "text", text: "And this?" },
    ]);
  });

  it("refuses to send again a file whose bytes are gone (read back from History)", () => {
    const remembered = attachmentInfo(pdf);
    expect(() =>
      encodeResponsesBody({ model: "gpt-4.1", messages: [{ role: "user", content: "?", attachments: [remembered] }] }),
    ).toThrow(expect.objectContaining({ facts: { fileName: "report.pdf", reason: "missing" } }));
  });

  it("keeps the text of a message without files a plain string, and sends a reasoning model no temperature", () => {
    const { bytes } = encodeResponsesBody({
      model: "gpt-5",
      messages: [{ role: "user", content: "Hi" }],
      temperature: 1,
    });
    expect(JSON.parse(bytes.toString("utf8"))).toEqual({
      model: "gpt-5",
      input: [{ role: "user", content: "Hi" }],
      stream: true,
      store: false,
      reasoning: { summary: "auto" },
    });
  });

  it("thinks at least at low effort when searching the web, which OpenAI refuses at minimal", () => {
    const reasoning = (webSearch: boolean) =>
      (
        JSON.parse(
          encodeResponsesBody({
            model: "gpt-5",
            messages: [{ role: "user", content: "News?" }],
            reasoningEffort: "minimal",
            webSearch,
          }).bytes.toString("utf8"),
        ) as { reasoning: unknown }
      ).reasoning;
    expect(reasoning(true)).toEqual({ effort: "low", summary: "auto" });
    expect(reasoning(false)).toEqual({ effort: "minimal", summary: "auto" });
  });

  it("leaves the reasoning summary out when told to (an organization OpenAI has not verified), the effort kept", () => {
    const body = (reasoningEffort?: "low") =>
      JSON.parse(
        encodeResponsesBody({
          model: "o4-mini",
          messages: [{ role: "user", content: "Hi" }],
          reasoningEffort,
          reasoningSummary: false,
        }).bytes.toString("utf8"),
      ) as Record<string, unknown>;
    expect(body("low").reasoning).toEqual({ effort: "low" });
    expect(body()).not.toHaveProperty("reasoning");
  });
});

describe("a 20 MB file in Raycast's 100 MB heap", () => {
  /** Encodes a 20 MB file in a Node whose heap is capped at 40 MB; `naive` puts the data URL in the body as a string. */
  function encodeUnderCap(naive: boolean) {
    const bundle = join(mkdtempSync(join(tmpdir(), "passerelle-heap-")), "request-body.mjs");
    buildSync({
      entryPoints: [fileURLToPath(new URL("./request-body.ts", import.meta.url))],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: bundle,
      logLevel: "silent",
    });
    const script = `
      const { encodeResponsesBody } = await import(${JSON.stringify(pathToFileURL(bundle).href)});
      const data = Buffer.alloc(20_000_000, 7);
      const file = { name: "scan.png", kind: "image", mimeType: "image/png", data, bytes: data.length, sha256: "x" };
      const body = ${naive}
        ? Buffer.from(JSON.stringify({ input: [{ type: "input_image", image_url: "data:image/png;base64," + data.toString("base64") }] }))
        : encodeResponsesBody({ model: "gpt-4.1", messages: [{ role: "user", content: "?", attachments: [file] }] }).bytes;
      console.log(body.length);`;
    return spawnSync(process.execPath, ["--max-old-space-size=40", "--input-type=module", "-e", script], {
      encoding: "utf8",
    });
  }

  it("is encoded without its base64 ever whole in the JavaScript heap (a naive body runs out of a 40 MB heap)", () => {
    const ours = encodeUnderCap(false);
    expect(ours.status, ours.stderr).toBe(0);
    expect(Number(ours.stdout)).toBeGreaterThan(26_600_000);
    const naive = encodeUnderCap(true);
    expect(naive.status).not.toBe(0);
    expect(naive.stderr).toMatch(/heap out of memory|Invalid string length/);
  }, 30_000);
});

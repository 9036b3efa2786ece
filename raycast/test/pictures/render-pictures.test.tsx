// @vitest-environment happy-dom
/**
 * `npm run pictures -w raycast`: renders the commands' real views through the `@raycast/api` test double, against
 * the fake OpenAI server, draws each as a Raycast window and screenshots it with headless Chromium into
 * assets/raycast-*.png (Raycast itself does not run on Linux). Not part of `npm test`.
 * CHROMIUM names the browser binary (default: chromium).
 */
import { cleanup, fireEvent, screen, waitFor } from "@testing-library/react";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Ask from "../../src/ask";
import AskAboutSelection from "../../src/ask-about-selection";
import Chat from "../../src/chat";
import History from "../../src/history";
import RelayStatus from "../../src/relay-status";
import TransformSelectedText from "../../src/transform-selected-text";
import { PAIRED_RELAY_KEY } from "../../src/relay/connection";
import { makeSelfSignedCertificate } from "../certificates";
import { responseEvents } from "../fake-responses";
import { pdfBytes } from "../images";
import { FakeOpenAIServer } from "../fake-openai-server";
import { raycast } from "../raycast-api-double";
import { renderCommand, runAction, waitForDetail, waitUntilLoaded } from "../render";
import { readView, windowPage } from "./raycast-window";

const ASSETS = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "assets");
const CHROMIUM = process.env.CHROMIUM ?? "chromium";

// ---- what the fake OpenAI answers -------------------------------------------------------------------------

const QUESTION = "How do I undo my last git commit but keep the changes?";
const SELECTION =
  "Je vous envoi le raport demain matin, désolé pour le retard, j'ai eu beaucoups de travail cette semaine.";

const ANSWERS: [RegExp, string][] = [
  [
    /undo my last git commit/,
    `Use a **soft reset**: it moves \`HEAD\` back one commit and keeps your changes staged.

\`\`\`sh
git reset --soft HEAD~1
\`\`\`

- \`--soft\` keeps the changes **staged**, ready to commit again.
- \`--mixed\` (the default) keeps them in your files, unstaged.
- \`--hard\` throws them away — only if you mean it.

If the commit was already pushed, prefer \`git revert HEAD\`: it adds a commit that undoes it instead of rewriting history.`,
  ],
  [
    /Je vous envoi le raport/,
    "Je vous envoie le rapport demain matin, désolé pour le retard, j'ai eu beaucoup de travail cette semaine.",
  ],
  [
    /train or fly/,
    "**Take the train.** Door to door it is about as fast (3 h 10 against 1 h 15 in the air plus 2 h of transfers and security), you can work the whole way, and it emits far less CO₂.",
  ],
  [
    /Raycast 2/,
    "Raycast 2 rebuilt the launcher natively, with a new AI chat and faster extensions [1]; extensions keep the same API [2].",
  ],
  [
    /quarterly report/,
    "The report shows revenue **up 12 %** on the quarter, driven by subscriptions; costs rose 4 %. The main risk named is the delay of the new product to Q3.",
  ],
  [
    /process and a thread/,
    `A **process** has its own memory; its **threads** share the memory of the process they run in.

- Threads are cheaper to start and can share data directly, but need locks.
- Processes are isolated: one crashing does not take the others down.`,
  ],
  [
    /CPU-heavy task in Python/,
    `**Processes.** In CPython the GIL lets only one thread run Python code at a time, so threads help with waiting (network, disk), not with computing. Spread the work over your cores with a process pool:

\`\`\`python
from concurrent.futures import ProcessPoolExecutor

with ProcessPoolExecutor() as pool:
    results = list(pool.map(crunch, chunks))
\`\`\``,
  ],
];

/** The text of a message, whichever API carried it (a plain string, or content parts with the question last). */
function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  const parts = content as { type: string; text?: string }[];
  return parts.map((part) => part.text ?? "").join("\n");
}

/** Scripted extras for a question: a reasoning summary, a web search and its sources. */
const EXTRAS: [RegExp, { reasoning?: string; sources?: { url: string; title: string }[] }][] = [
  [
    /train or fly/,
    {
      reasoning:
        "Comparing door-to-door times: the train is 3 h 10 centre to centre; flying is 1 h 15 in the air plus transfers and security.\nChecking costs and emissions: similar fares, far less CO₂ by train.",
    },
  ],
  [
    /Raycast 2/,
    {
      sources: [
        { url: "https://www.raycast.com/changelog", title: "Raycast Changelog" },
        { url: "https://developers.raycast.com", title: "Raycast API" },
      ],
    },
  ],
];

/** Streams the scripted answer in small pieces, as OpenAI does, with its model and a token count estimate. */
async function answer(
  request: { messages: { content: unknown }[]; body: Record<string, unknown> },
  res: ServerResponse,
) {
  const messages = request.messages;
  const last = textOf(messages.at(-1)!.content);
  const text = ANSWERS.find(([pattern]) => pattern.test(last))?.[1] ?? "I don't know.";
  const extras = EXTRAS.find(([pattern]) => pattern.test(last))?.[1] ?? {};
  const model = String(request.body.model);
  const pause = () => new Promise((resolve) => setTimeout(resolve, 12));
  const promptChars = messages.reduce((sum, message) => sum + textOf(message.content).length, 0);
  const usage = { input: Math.ceil(promptChars / 4), output: Math.ceil(text.length / 4) };
  if (FakeOpenAIServer.isResponses(res) && (extras.reasoning || extras.sources)) {
    const pieces = text.match(/\s*\S+/g) ?? [];
    const script = {
      model,
      text: pieces,
      usage,
      ...(extras.reasoning && { reasoning: [extras.reasoning.match(/\s*\S+/g) ?? []] }),
      ...(extras.sources && { search: { query: last, sources: extras.sources } }),
    };
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    for (const event of responseEvents(script)) {
      res.write(event);
      await pause();
    }
    res.end();
    return;
  }
  FakeOpenAIServer.openStream(res, model);
  for (const piece of text.match(/\s*\S+/g) ?? []) {
    FakeOpenAIServer.writeText(res, piece, model);
    await pause();
  }
  FakeOpenAIServer.endStream(res, usage, model);
}

// The fake relay listens on the relay's usual port when it is free, so the pictures show a familiar address.
const fake = new FakeOpenAIServer();
fake.models = ["gpt-4.1", "gpt-4.1-mini", "gpt-4o", "llama3.2:3b"];
fake.onChat = answer;
const handle = (fake as unknown as { handle(req: IncomingMessage, res: ServerResponse): Promise<void> }).handle.bind(
  fake,
);
let server: Server;
const work = mkdtempSync(join(tmpdir(), "passerelle-pictures-"));

beforeAll(async () => {
  const certificate = await makeSelfSignedCertificate("passerelle-pictures");
  fake.certificate = certificate;
  server = createServer({ cert: certificate.certPem, key: certificate.keyPem }, (req, res) => void handle(req, res));
  await new Promise<void>((resolve) => {
    server.once("error", () => server.listen(0, "127.0.0.1", resolve));
    server.listen(8787, "127.0.0.1", resolve);
  });
  raycast.reset();
  const address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  raycast.storage.set(PAIRED_RELAY_KEY, JSON.stringify(fake.pairedRelay(address)));
  raycast.preferences.model = "gpt-4.1";
  raycast.preferences.transformModel = "gpt-4.1-mini";
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(work, { recursive: true, force: true });
});

// ---- pictures ----------------------------------------------------------------------------------------------

/** Draws the view on screen as a Raycast window and screenshots it into assets/raycast-<name>.png. */
function picture(name: string, navigationTitle: string) {
  const { html, width, height } = windowPage(readView(document.body), { navigationTitle });
  const file = join(work, `${name}.html`);
  writeFileSync(file, html);
  const png = join(ASSETS, `raycast-${name}.png`);
  execFileSync(
    CHROMIUM,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--hide-scrollbars",
      "--default-background-color=00000000",
      `--force-device-scale-factor=${process.env.PICTURE_SCALE ?? "1.5"}`,
      `--user-data-dir=${mkdtempSync(join(work, "chromium-"))}`,
      `--screenshot=${png}`,
      `--window-size=${width},${height}`,
      pathToFileURL(file).href,
    ],
    { stdio: "ignore" },
  );
  console.log(`assets/raycast-${name}.png: ${Math.round(statSync(png).size / 1024)} KB`);
}

async function say(text: string) {
  fireEvent.change(screen.getAllByLabelText("Search").at(-1)!, { target: { value: text } });
  await runAction("Send Message");
  await waitFor(() => expect(document.querySelector("[aria-busy='true']")).toBeNull(), { timeout: 10_000 });
}

describe("pictures of the commands", () => {
  it("Ask: a streamed answer with a code block, its model, tokens and time", async () => {
    renderCommand(<Ask arguments={{ question: QUESTION }} launchType={"userInitiated" as never} />);
    await waitForDetail(10_000);
    picture("ask", "Ask");
    cleanup();
  });

  it("Ask a reasoning model: its summary above the answer, and the first token's time", async () => {
    raycast.preferences.model = "o4-mini";
    renderCommand(
      <Ask
        arguments={{ question: "Should I train or fly from Paris to Marseille?" }}
        launchType={"userInitiated" as never}
      />,
    );
    await waitForDetail(10_000);
    picture("ask-reasoning", "Ask");
    raycast.preferences.model = "gpt-4.1";
    cleanup();
  });

  it("Ask with Search the Web: numbered sources under the answer and beside it", async () => {
    renderCommand(<Ask arguments={{ question: "What is new in Raycast 2?" }} launchType={"userInitiated" as never} />);
    await waitForDetail(10_000);
    await runAction("Search the Web");
    await waitForDetail(10_000);
    picture("ask-web-search", "Ask");
    cleanup();
  });

  it("Ask About Selection: a PDF selected in Finder", async () => {
    const report = join(work, "Quarterly report.pdf");
    writeFileSync(report, pdfBytes(80_000));
    raycast.finderSelection = [report];
    renderCommand(
      <AskAboutSelection
        arguments={{ question: "Summarise this quarterly report" }}
        launchType={"userInitiated" as never}
      />,
    );
    await waitForDetail(10_000);
    picture("ask-about-selection", "Ask About Selection");
    cleanup();
  });

  it("Transform Selected Text: the prompts, then Fix Spelling and Grammar's result", async () => {
    raycast.selection = SELECTION;
    renderCommand(<TransformSelectedText />);
    const item = await screen.findByRole("listitem", { name: "Fix Spelling and Grammar" });
    await waitUntilLoaded();
    picture("transform", "Transform Selected Text");
    fireEvent.click(item.querySelector("button")!);
    await waitForDetail(10_000);
    picture("transform-result", "Fix Spelling and Grammar");
    cleanup();
  });

  it("Chat: a follow-up question", async () => {
    renderCommand(<Chat />);
    await say("What's the difference between a process and a thread?");
    await say("And which one for a CPU-heavy task in Python?");
    picture("chat", "Chat");
    cleanup();
  });

  it("History: what the commands above kept", async () => {
    renderCommand(<History />);
    await screen.findAllByRole("listitem");
    await waitUntilLoaded();
    picture("history", "History");
    cleanup();
  });

  it("Relay Status in the menu bar", async () => {
    renderCommand(<RelayStatus />);
    await waitUntilLoaded();
    picture("relay-status", "Relay Status");
    cleanup();
  });
});

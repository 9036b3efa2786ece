import { describe, expect, it } from "vitest";
import { chatTurns, conversationMarkdown } from "./chat";

describe("chat turns", () => {
  const messages = [
    { role: "system" as const, content: "Be nice" },
    { role: "user" as const, content: "Hi" },
    { role: "assistant" as const, content: "Hello!" },
    { role: "user" as const, content: "Two\nlines" },
  ];

  it("pairs questions with answers, the last one still open", () => {
    expect(chatTurns(messages)).toEqual([
      { question: "Hi", answer: "Hello!" },
      { question: "Two\nlines", answer: "" },
    ]);
  });

  it("renders the conversation with quoted questions", () => {
    expect(conversationMarkdown(messages)).toBe("> Hi\n\nHello!\n\n---\n\n> Two\n> lines\n\n");
  });
});

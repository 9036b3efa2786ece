import { describe, expect, it } from "vitest";
import { acceptsTemperature, answerApi, chooseModel, isReasoningModel, sortModels } from "./model-traits";

describe("acceptsTemperature", () => {
  it.each([
    ["gpt-4.1-mini", true],
    ["gpt-4o", true],
    ["llama3.2:3b", true],
    ["o3-mini", false],
    ["o1", false],
    ["gpt-5", false],
    ["gpt-5-mini", false],
    ["openai/gpt-5-nano", false],
  ])("%s -> %s", (model, expected) => expect(acceptsTemperature(model)).toBe(expected));
});

describe("chooseModel", () => {
  it("prefers the prompt's model, then the preference", () => {
    expect(chooseModel("transform", { promptModel: "gpt-4o", preferred: "gpt-4.1-mini" })).toBe("gpt-4o");
    expect(chooseModel("transform", { promptModel: " ", preferred: "gpt-4.1-mini" })).toBe("gpt-4.1-mini");
  });

  it("picks a fast model for transforms and a capable one for questions from what the relay offers", () => {
    const available = ["text-embedding-3-small", "gpt-4o-mini", "gpt-4o", "llama3.2"];
    expect(chooseModel("transform", { available })).toBe("gpt-4o-mini");
    expect(chooseModel("question", { available })).toBe("gpt-4o");
  });

  it("falls back to a local model when that is all the PC has, never to an embedding model", () => {
    expect(chooseModel("question", { available: ["nomic-embed-text", "llama3.2:3b"] })).toBe("llama3.2:3b");
  });
});

describe("sortModels", () => {
  it("keeps chat models, OpenAI's first, without duplicates", () => {
    expect(sortModels(["llama3.2", "whisper-1", "gpt-4o", "gpt-4o", "dall-e-3", "o3-mini", "mistral"])).toEqual([
      "gpt-4o",
      "o3-mini",
      "llama3.2",
      "mistral",
    ]);
  });
});

describe("answerApi", () => {
  it.each([
    ["gpt-4.1", "responses"],
    ["o4-mini", "responses"],
    ["gpt-5", "responses"],
    ["llama3.2:3b", "chat"],
    ["qwen2.5-coder", "chat"],
  ])("%s goes through %s", (model, api) => expect(answerApi(model)).toBe(api));

  it("keeps Chat Completions for a model the relay says the PC serves, even one named like OpenAI's", () => {
    expect(answerApi("gpt-oss:20b", new Set(["gpt-oss:20b"]))).toBe("chat");
  });
});

describe("isReasoningModel", () => {
  it.each([
    ["o4-mini", true],
    ["gpt-5", true],
    ["gpt-5-chat-latest", false],
    ["gpt-4.1", false],
  ])("%s -> %s", (model, expected) => expect(isReasoningModel(model)).toBe(expected));
});

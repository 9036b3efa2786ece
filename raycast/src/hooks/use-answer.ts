import { randomUUID } from "node:crypto";
import { useCallback, useEffect, useRef, useState } from "react";
import { streamCompletion, type ChatMessage, type TokenUsage } from "../openai/completion";
import { getApiKey, getRelayConnection, withPairedRelay } from "../relay/connection";
import { putHistoryEntry, saveHistoryEntry } from "../storage/history";
import { relayClient } from "../relay/clients";
import { showFailure } from "../failures/toast";
import { isCancellation, type FailureDescription } from "../failures/describe";
import type { HistoryEntry } from "../storage/history-bounds";
import { createThrottledText } from "../helpers/throttled-text";
import { useRelayClients } from "./use-relay-clients";

/** One request to stream: changing `id` starts it again (Ask Again, Try Another Model). */
export interface AnswerRequest {
  id: string;
  model: string;
  messages: ChatMessage[];
  temperature?: number;
  /** How the answer is kept in History; `historyId` overwrites an entry (Regenerate, a chat's next turn). */
  history: { kind: HistoryEntry["kind"]; title: string; historyId?: string };
}

/** What the view shows while and after streaming. */
export interface AnswerState {
  text: string;
  isLoading: boolean;
  /** The model that answered (as the upstream names it). */
  model: string;
  usage?: TokenUsage;
  durationMs?: number;
  error?: FailureDescription;
  interrupted: boolean;
}

/** Knobs for tests and long answers. */
export interface AnswerOptions {
  /** Re-render at most this often while streaming. */
  renderIntervalMs?: number;
  /** Save the partial answer to History at most this often. */
  saveIntervalMs?: number;
}

/** Makes a fresh request id. */
export function newRequestId(): string {
  return randomUUID();
}

/**
 * Streams an answer through the relay: throttled re-renders, the partial answer kept in History while it streams
 * (so closing Raycast loses nothing), Esc/unmount aborts the request, one failure toast.
 */
export function useAnswer(request: AnswerRequest | undefined, options: AnswerOptions = {}) {
  const { renderIntervalMs = 100, saveIntervalMs = 2_000 } = options;
  const [state, setState] = useState<AnswerState>({
    text: "",
    isLoading: Boolean(request),
    model: request?.model ?? "",
    interrupted: false,
  });
  const controllerRef = useRef<AbortController | undefined>(undefined);
  useRelayClients();

  useEffect(() => {
    if (!request) return;
    const controller = new AbortController();
    controllerRef.current = controller;
    const started = Date.now();
    const entry: HistoryEntry = {
      id: request.history.historyId ?? request.id,
      kind: request.history.kind,
      title: request.history.title,
      messages: request.messages,
      answer: "",
      model: request.model,
      status: "streaming",
      createdAt: started,
      updatedAt: started,
    };
    // History keeps requests that produced an answer or part of one: the entry is written with the first text
    // (then replaced in place: Ask Again, Regenerate and a chat's next turn keep the same id), never for a failure.
    let stored = false;
    const keep = (fields: Partial<HistoryEntry>) => {
      const write = stored ? saveHistoryEntry : putHistoryEntry;
      stored = true;
      return write({ ...entry, ...fields, updatedAt: Date.now() });
    };
    let lastSave = 0;
    const buffer = createThrottledText((text) => {
      if (!controller.signal.aborted) setState((current) => ({ ...current, text }));
      if (text && Date.now() - lastSave >= saveIntervalMs) {
        lastSave = Date.now();
        void keep({ answer: text });
      }
    }, renderIntervalMs);
    setState({ text: "", isLoading: true, model: request.model, interrupted: false });

    (async () => {
      let address: string | undefined;
      try {
        const paired = await getRelayConnection();
        // If the relay moved, it is found again by id and asked once more, unless part of an answer arrived.
        const result = await withPairedRelay(
          paired,
          (connection) => {
            address = connection.address;
            return streamCompletion(
              relayClient(connection, getApiKey()),
              { model: request.model, messages: request.messages, temperature: request.temperature },
              (piece) => buffer.append(piece),
              controller.signal,
            );
          },
          { signal: controller.signal, canRetry: () => !buffer.text },
        );
        buffer.flush();
        const durationMs = Date.now() - started;
        await keep({ answer: result.text, model: result.model, status: "done", usage: result.usage, durationMs });
        setState({
          text: result.text,
          isLoading: false,
          model: result.model,
          usage: result.usage,
          durationMs,
          interrupted: false,
        });
      } catch (error) {
        buffer.cancel();
        const partial = buffer.text;
        if (partial) await keep({ answer: partial, status: "interrupted" });
        if (isCancellation(error)) {
          setState((current) => ({ ...current, text: partial, isLoading: false, interrupted: true }));
          return;
        }
        const failure = await showFailure(error, { model: request.model, address });
        setState((current) => ({
          ...current,
          text: partial,
          isLoading: false,
          error: failure,
          interrupted: Boolean(partial),
        }));
      }
    })();

    return () => controller.abort();
  }, [request?.id]);

  /** Stops streaming and keeps what arrived. */
  const stop = useCallback(() => controllerRef.current?.abort(), []);
  return { ...state, stop };
}

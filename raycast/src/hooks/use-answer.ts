import { useCallback, useEffect, useRef, useState } from "react";
import type { FailureDescription } from "../failures/describe";
import { showFailure } from "../failures/toast";
import type { Source, TokenUsage } from "../openai/completion";
import {
  runAnswer,
  type AnswerOutcome,
  type AnswerProgress,
  type AnswerRequest,
  type StreamAnswerOptions,
} from "../openai/answer-run";
import { useRelayClients } from "./use-relay-clients";
import { useRelayDiscovery } from "./use-relay-discovery";

/** What the view shows while and after streaming. */
export interface AnswerState {
  text: string;
  isLoading: boolean;
  /** The model that answered (as the upstream names it). */
  model: string;
  usage?: TokenUsage;
  durationMs?: number;
  /** From the request to the first words of the answer. */
  firstTextMs?: number;
  /** The reasoning summary streamed so far. */
  reasoning: string;
  /** The model thinks, but OpenAI shows no summary of it (the organization is not verified). */
  reasoningHidden?: boolean;
  /** The web pages the answer cites, numbered in this order. */
  sources: Source[];
  /** The model is searching the web (and for what, when it says). */
  searching?: { query?: string };
  /** When the request started (for "Thinking… 4 s"). */
  startedAt?: number;
  error?: FailureDescription;
  interrupted: boolean;
}

/** Knobs for tests and long answers, and what to do once a request has ended. */
export interface AnswerOptions extends StreamAnswerOptions {
  /** Called once per request when it ends (whole, stopped or failed), after the view's state says so. */
  onFinished?: (outcome: AnswerOutcome, request: AnswerRequest) => void;
}

function streamingState(request: AnswerRequest | undefined): AnswerState {
  return {
    text: "",
    isLoading: Boolean(request),
    model: request?.model ?? "",
    reasoning: "",
    sources: [],
    interrupted: false,
    startedAt: request ? Date.now() : undefined,
  };
}

/** The state a view shows once a request has ended. */
function endState(outcome: AnswerOutcome, error: FailureDescription | undefined) {
  return (current: AnswerState): AnswerState => {
    if (outcome.status === "done") {
      const { text, model, usage, durationMs, firstTextMs, reasoning, sources } = outcome;
      const done = { text, model, usage, durationMs, firstTextMs, reasoning, sources };
      return { ...done, isLoading: false, interrupted: false, startedAt: current.startedAt };
    }
    // Stopped: whatever arrived is kept, marked as cut short. Failed: the failure, beside any partial text.
    const interrupted = outcome.status === "stopped" || Boolean(outcome.text);
    return { ...current, text: outcome.text, isLoading: false, searching: undefined, interrupted, error };
  };
}

/**
 * Streams an answer through the relay: throttled re-renders, the partial answer kept in History while it streams
 * (so closing Raycast loses nothing), Esc/unmount aborts the request, one failure toast, and `onFinished` once the
 * request has ended. A request replaced (a new id) or a view closed reports nothing more.
 */
export function useAnswer(request: AnswerRequest | undefined, options: AnswerOptions = {}) {
  const [state, setState] = useState<AnswerState>(() => streamingState(request));
  const controllerRef = useRef<AbortController | undefined>(undefined);
  const { findRelayById } = useRelayDiscovery();
  const latest = useRef(options);
  latest.current = options;
  useRelayClients();

  useEffect(() => {
    if (!request) return;
    const controller = new AbortController();
    controllerRef.current = controller;
    let live = true;
    setState(streamingState(request));
    const onProgress = (progress: AnswerProgress) => live && setState((current) => ({ ...current, ...progress }));
    void (async () => {
      const outcome = await runAnswer(request, onProgress, controller.signal, {
        ...latest.current,
        lookup: findRelayById,
      });
      const failure =
        outcome.status === "failed"
          ? await showFailure(outcome.error, { model: request.model, address: outcome.address })
          : undefined;
      if (!live) return;
      setState(endState(outcome, failure));
      latest.current.onFinished?.(outcome, request);
    })();
    return () => {
      live = false;
      controller.abort();
    };
  }, [request?.id]);

  /** Stops streaming and keeps what arrived. */
  const stop = useCallback(() => controllerRef.current?.abort(), []);
  return { ...state, stop };
}

import { Detail } from "@raycast/api";
import { formatDuration, formatUsage } from "../helpers/format";
import type { AnswerState } from "../hooks/use-answer";

/** The answer's model, tokens, times, web search and sources, beside it. */
export function AnswerMetadata(props: {
  answer: AnswerState;
  labels?: { title: string; text: string }[];
  webSearch?: boolean;
}) {
  const { answer } = props;
  return (
    <Detail.Metadata>
      {props.labels?.map((item) => (
        <Detail.Metadata.Label key={item.title} title={item.title} text={item.text} />
      ))}
      <Detail.Metadata.Label title="Model" text={answer.model} />
      {answer.usage && <Detail.Metadata.Label title="Tokens" text={formatUsage(answer.usage)} />}
      {answer.firstTextMs !== undefined && (
        <Detail.Metadata.Label title="First Token" text={formatDuration(answer.firstTextMs)} />
      )}
      {answer.durationMs !== undefined && (
        <Detail.Metadata.Label title="Time" text={formatDuration(answer.durationMs)} />
      )}
      {props.webSearch && <Detail.Metadata.Label title="Web Search" text="On" />}
      {answer.sources.map((source, index) => (
        <Detail.Metadata.Link
          key={source.url}
          title={index === 0 ? "Sources" : ""}
          text={`${index + 1}. ${source.title}`}
          target={source.url}
        />
      ))}
      {answer.interrupted && (
        <Detail.Metadata.Label title="Status" text={answer.error ? answer.error.title : "Interrupted"} />
      )}
    </Detail.Metadata>
  );
}

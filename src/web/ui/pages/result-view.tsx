/**
 * A tool, resource or prompt answer rendered as a person reads it: text, images, audio,
 * embedded resources and resource links, structuredContent, prompt messages and resource contents.
 * The raw JSON is beside it on the Try it page; this is only the readable form.
 */
import type { Json } from '../state';

function Block(props: { block: Json }) {
  const b = props.block;
  if (b.type === 'text') return <pre class="text">{b.text}</pre>;
  if (b.type === 'image') return <img src={`data:${b.mimeType};base64,${b.data}`} alt={`Image (${b.mimeType}) from the result`} />;
  if (b.type === 'audio') return <audio controls src={`data:${b.mimeType};base64,${b.data}`} aria-label={`Audio (${b.mimeType}) from the result`} />;
  if (b.type === 'resource') return <Contents contents={[b.resource]} />;
  if (b.type === 'resource_link') return <p>Resource link: <code>{b.uri}</code>{b.name ? ` (${b.name})` : ''}</p>;
  return <pre>{JSON.stringify(b, null, 2)}</pre>;
}

function Contents(props: { contents: Json[] }) {
  return (
    <>
      {props.contents.map((c) => (
        <figure class="resource">
          <figcaption>Resource <code>{c.uri}</code>{c.mimeType ? ` (${c.mimeType})` : ''}</figcaption>
          {typeof c.text === 'string' ? <pre>{c.text}</pre> : c.mimeType?.startsWith('image/') ? <img src={`data:${c.mimeType};base64,${c.blob}`} alt={`Resource ${c.uri}`} /> : <p>{String(c.blob ?? '').length} bytes of base64</p>}
        </figure>
      ))}
    </>
  );
}

export function ResultView(props: { result: Json }) {
  const r = props.result;
  return (
    <div class="rendered">
      {r.isError ? <p role="alert">The tool reported an error.</p> : null}
      {Array.isArray(r.content) ? r.content.map((b: Json) => <Block block={b} />) : null}
      {Array.isArray(r.contents) ? <Contents contents={r.contents} /> : null}
      {Array.isArray(r.messages) ? r.messages.map((m: Json) => <div class="message"><b>{m.role}:</b> <Block block={m.content} /></div>) : null}
      {r.structuredContent !== undefined ? (
        <>
          <h4>Structured content</h4>
          <pre class="structured">{JSON.stringify(r.structuredContent, null, 2)}</pre>
        </>
      ) : null}
    </div>
  );
}

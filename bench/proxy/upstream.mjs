// The shared upstream for every contender: an OpenAI-compatible server on 127.0.0.1 that answers
// at once, whole or streamed (OpenAI's exact chunk shapes, usage-only last chunk, [DONE]).
import { createServer } from 'node:http';

const created = 1731000000;
const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 }, completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 } };
const chunk = (choices, u = null) => `data: ${JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion.chunk', created, model: 'gpt-bench', system_fingerprint: 'fp_bench', choices, usage: u })}\n\n`;
const delta = (d, finish = null) => chunk([{ index: 0, delta: d, logprobs: null, finish_reason: finish }]);
const STREAM = [delta({ role: 'assistant', content: '', refusal: null }), delta({ content: 'Hello' }), delta({ content: ' from' }), delta({ content: ' the bench.' }), delta({}, 'stop'), chunk([], usage), 'data: [DONE]\n\n'].join('');
const WHOLE = JSON.stringify({ id: 'chatcmpl-bench', object: 'chat.completion', created, model: 'gpt-bench', choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the bench.', refusal: null, annotations: [] }, logprobs: null, finish_reason: 'stop' }], usage, system_fingerprint: 'fp_bench' });

const server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const body = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    const stream = body.includes('"stream":true') || body.includes('"stream": true');
    if (stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.end(STREAM);
    } else {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(WHOLE) });
      res.end(WHOLE);
    }
  });
});
server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));

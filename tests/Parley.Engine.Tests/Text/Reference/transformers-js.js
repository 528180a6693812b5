// The reference: transformers.js (the @lenml/tokenizers fork) encodes each text and decodes the ids again.
// Usage: node transformers-js.js <@lenml/tokenizers folder> <tokenizer folder> <corpus.json>; prints JSON
// [{units, ids, decoded}] with special tokens skipped and no clean-up of spaces (what a streaming server emits). The
// text goes back as UTF-16 code units because the corpus holds lone surrogates, which JSON readers reject.
const [library, tokenizerFolder, corpusFile] = process.argv.slice(2);
const { TokenizerLoader } = require(library + '/dist/main.js');
const fs = require('fs');
const read = name => JSON.parse(fs.readFileSync(tokenizerFolder + '/' + name, 'utf8'));
const tokenizer = TokenizerLoader.fromPreTrained({ tokenizerJSON: read('tokenizer.json'), tokenizerConfig: read('tokenizer_config.json') });
const corpus = JSON.parse(fs.readFileSync(corpusFile, 'utf8'));
const results = corpus.map(text => {
  const ids = tokenizer.encode(text, { add_special_tokens: false });
  const decoded = tokenizer.decode(ids, { skip_special_tokens: true, clean_up_tokenization_spaces: false });
  const units = Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));
  return { units, ids, decoded };
});
process.stdout.write(JSON.stringify(results));

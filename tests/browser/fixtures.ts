/** Articles used by the browser tests. */
export const ARTICLE = [
  'The city spent $4.2 million on road repairs in 2023, the mayor said on Tuesday.',
  'Residents enjoyed the sunny weather at the park.',
  'Unemployment fell to 3.1% in March, according to the state labor department.',
  'The new bridge will carry 40,000 vehicles a day, officials reported.',
].join(' ');

/** An article page with navigation, a byline, a photo credit and a newsletter plug. */
export const HTML_ARTICLE = `<!doctype html><html><head><title>Budget story</title></head><body>
<nav><a href="/">Home</a> | <a href="/news">News</a> | <a href="/sport">Sport</a></nav>
<header><p>By Jane Doe, Staff Writer</p><p>March 3, 2024</p></header>
<article>
<h1>City budget grows</h1>
<p>The city council approved a $310 million budget on Monday, according to the finance office.</p>
<p>Photo: John Smith / Example Press</p>
<p>Property taxes will rise by 4.5% next year, the treasurer said.</p>
<p>It was a long meeting.</p>
<p>Police overtime costs reached $12 million in 2023, a 30% increase, the auditor reported.</p>
</article>
<aside><p>Sign up for our newsletter to get the latest news in your inbox.</p></aside>
<footer><p>© 2024 Example News. All rights reserved.</p></footer>
</body></html>`;

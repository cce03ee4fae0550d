// Netlify build plugin (file-based, no dependencies): keeps the help
// center's processed images (helpcenter build --cache-dir, by default
// .cache/helpcenter in the site root) in Netlify's build cache, so that a
// build in which no image changed encodes nothing. netlify.toml loads it
// with [[plugins]] package = "./.ci/netlify-cache".
var dir = '.cache/helpcenter';

module.exports = {
  onPreBuild: async function (args) {
    var restored = await args.utils.cache.restore(dir);
    console.log(restored ? 'restored the image cache ' + dir : 'no image cache yet: this build encodes every image');
  },
  onPostBuild: async function (args) {
    var saved = await args.utils.cache.save(dir);
    console.log(saved ? 'saved the image cache ' + dir : 'no image cache to save');
  }
};

/**
 * Words of the kind NegLabel's mining keeps (far from ImageNet classes in CLIP space): seed vocabulary for
 * demo projects, so the relabel autocomplete and label filters have realistic entries without loading WordNet.
 */
export const SEED_NOUNS = `abbey absolution acreage adjournment aftershock alcove allegory almanac amnesty anagram annex anthem aqueduct arbitration archipelago armistice
artifact asylum atrium auction avalanche ballad banquet baptism barricade basilica bazaar belfry benediction bivouac blizzard blueprint bonfire boulevard
brochure bungalow caravan carnival catacomb cathedral causeway cellar ceremony chandelier chapel charter chasm citadel clergy cloister coliseum colonnade
commune concourse conservatory corridor courtyard covenant crater crevasse crypt cul-de-sac dais decree delta democracy dormitory drizzle dune dynasty
embassy epilogue equinox estuary excavation fairground famine festival fjord footbridge foyer fresco galaxy garrison geyser glacier gorge granary grotto
hamlet harbor hearth heatwave hermitage highland homestead hostel iceberg inlet jamboree jubilee junction kiln labyrinth lagoon landslide lecture legislature
lighthouse limerick lobby lodge manifesto mansion marathon marina marsh massacre mausoleum meadow mezzanine minaret monastery monsoon mosaic motel
nebula nocturne oasis observatory orchard outpost overpass pageant pagoda panorama parish pavilion peninsula pilgrimage plateau plaza portico prairie
prologue promenade quarry rampart ravine referendum regatta rehearsal reservoir riverbank rotunda sanctuary savanna seminar shipyard shrine sleet
snowdrift solstice sonnet stadium stalactite steppe storefront subway summit synagogue tavern terrace thunderstorm township treaty tributary tundra
turret twilight underpass uprising valley vestibule viaduct vineyard volley wasteland waterfront wetland whirlpool wilderness windmill workshop ziggurat`
  .split(/\s+/)
  .filter(Boolean);

export const SEED_ADJECTIVES = `abstract ancestral arid baroque bleak celestial ceremonial civic coastal colonial cosmic derelict desolate ecclesiastical feudal
frigid gothic historic humid imperial lunar maritime medieval monastic nocturnal nomadic pastoral polar rural subterranean suburban tropical urban volcanic`
  .split(/\s+/)
  .filter(Boolean);

/** A few ImageNet classes with plausible context elements, as a VLM would list them. */
export const SEED_CLASSES: { name: string; elements: string[] }[] = [
  { name: 'giant panda', elements: ['bamboo', 'tourist', 'leaf', 'railing', 'rock'] },
  { name: 'goldfish', elements: ['aquarium glass', 'pebbles', 'water plant', 'bubbles'] },
  { name: 'school bus', elements: ['road', 'children', 'stop sign', 'trees', 'sidewalk'] },
  { name: 'espresso', elements: ['saucer', 'spoon', 'wooden table', 'sugar cube'] },
  { name: 'volcano', elements: ['smoke', 'clouds', 'lava field', 'snow'] },
  { name: 'tree frog', elements: ['leaf', 'water droplets', 'branch', 'moss'] },
  { name: 'airliner', elements: ['runway', 'sky', 'clouds', 'terminal building'] },
  { name: 'lighthouse', elements: ['sea', 'cliff', 'waves', 'grass', 'sky'] },
  { name: 'tabby cat', elements: ['sofa', 'cushion', 'window', 'blanket'] },
  { name: 'red wine', elements: ['glass', 'bottle', 'cheese board', 'candle'] },
  { name: 'snowmobile', elements: ['snow', 'pine trees', 'helmet', 'tracks'] },
  { name: 'honeycomb', elements: ['bees', 'wax', 'wooden frame', 'gloves'] },
];

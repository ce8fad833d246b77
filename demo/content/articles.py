"""Demo content for RunnerHub: topics, staff authors and advice articles.

All text here is original and written for this project. Bodies are HTML restricted to
h2, h3, p, strong, em, ul, ol, li, a (relative or example.com links), blockquote and
simple tables. A paragraph consisting exactly of ``<p>[video]</p>`` marks where an
article's ``video_url`` is placed (the ``[video]`` body block).

``days_ago`` is relative to "now" when the demo data is loaded: a negative value means
the article is scheduled for the future. One article is a draft (``status``).
"""

TOPICS = [
    {
        "name": "Injuries & recovery",
        "slug": "injuries",
        "description": (
            "Straightforward advice from our physio team on common running niggles, "
            "what to do in the first few days and how to build back safely."
        ),
    },
    {
        "name": "Training",
        "slug": "training",
        "description": (
            "Plans, sessions and coaching tips for every stage, from your first run-walk "
            "to the final weeks before a marathon."
        ),
    },
    {
        "name": "Gear",
        "slug": "gear",
        "description": (
            "Honest guidance from our shoe fitters on choosing, caring for and replacing "
            "the kit you run in."
        ),
    },
    {
        "name": "Nutrition",
        "slug": "nutrition",
        "description": (
            "Practical ideas for eating and drinking around your running, without fads "
            "or complicated rules."
        ),
    },
]

AUTHORS = [
    {
        "username": "dipika",
        "first_name": "Dipika",
        "last_name": "Raman",
        "display_name": "Dipika Raman",
        "public_title": "Chartered physiotherapist (MCSP)",
        "email": "dipika@example.com",
    },
    {
        "username": "tom",
        "first_name": "Tom",
        "last_name": "Ashworth",
        "display_name": "Tom Ashworth",
        "public_title": "Senior shoe fitter",
        "email": "tom@example.com",
    },
    {
        "username": "grace",
        "first_name": "Grace",
        "last_name": "Okafor",
        "display_name": "Grace Okafor",
        "public_title": "Running coach",
        "email": "grace@example.com",
    },
]


HAMSTRING_BODY = """
<p>If you have ever felt a sudden grab at the back of your thigh halfway through a set of
strides, you will know how quickly a hamstring strain can take the fun out of running. It is
one of the most common muscle injuries we see in our clinic room, especially in runners who
have just added speed work to their week.</p>
<p>The good news is that most hamstring strains in recreational runners are mild to moderate,
and with sensible, gradual loading they usually settle within a few weeks. They do have a
reputation for coming back, usually because people return to full speed before the muscle is
ready, so it pays to be patient.</p>

<h2>What is a hamstring strain?</h2>
<p>Your hamstrings are a group of three muscles running down the back of the thigh, from the
sitting bone at the base of your pelvis to just below the knee. When you run, they work
hardest at the end of the swing phase, just before your foot lands, when they are lengthening
while braking the forward swing of the lower leg. That combination of length and load is
exactly when a strain tends to happen.</p>
<p>A strain means some muscle fibres, or the tissue where muscle joins tendon, have been
overstretched or torn. Clinicians often describe them in three rough grades:</p>
<ul>
<li><strong>Grade 1:</strong> a mild strain affecting a small number of fibres. It feels
tight and sore, but you can usually walk normally.</li>
<li><strong>Grade 2:</strong> a partial tear. The pain is sharper, you may limp, and bruising
sometimes appears a day or two later.</li>
<li><strong>Grade 3:</strong> a complete or near-complete tear, sometimes with a pop felt at
the time. This is uncommon in everyday running and needs prompt medical assessment.</li>
</ul>
<p>In runners, most strains come down to one or both of two things.</p>

<h2>1. Overload: too much, too soon</h2>
<p>The story we hear most often is a sudden change in what the hamstrings are asked to do.
That might be a first session of hill sprints, a parkrun where you chased a personal best from
the start, or a jump from three runs a week to five. Sprinting and fast downhill running put
the hamstrings under very high loads at long muscle lengths, and tissue that is well adapted
to easy jogging may simply not be ready for that yet.</p>
<p>Fatigue plays its part too. Strains often happen late in a session or a race, when tired
muscles absorb force less well.</p>

<h2>2. Weakness and poor control around the hips</h2>
<p>The second big factor is a lack of strength, especially <em>eccentric</em> strength: the
ability of a muscle to control load while it is lengthening. Studies in sport suggest that
weaker hamstrings may be linked with a higher risk of strain, and a previous hamstring injury
is one of the clearest risk factors for another.</p>
<p>The hamstrings do not work alone, either. If your glutes are not pulling their weight, the
hamstrings often pick up the slack as hip extensors. Over-striding, where the foot lands well
out in front of the body, asks them to brake harder on every single step.</p>

<h2>What to do if you think you have strained a hamstring</h2>
<p>First, stop running. It is tempting to try to jog it off, but carrying on with a fresh
strain usually makes things worse. After that, the first few days are about calming things
down without wrapping the leg in cotton wool.</p>
<ol>
<li><strong>Protect it for two or three days.</strong> Avoid running, hard stretching and
anything that causes sharp pain. Comfortable walking is usually fine.</li>
<li><strong>Keep moving gently.</strong> Light, pain-free movement such as short walks and
easy knee bends lying down helps the healing tissue recover its normal flexibility.</li>
<li><strong>Manage pain sensibly.</strong> A cold pack wrapped in a cloth for 10 to 15 minutes
can ease soreness in the early days. Ask a pharmacist before taking any painkillers.</li>
<li><strong>Start loading early.</strong> Once walking is comfortable, begin the gentle
exercises below. Mild discomfort, no more than about 3 out of 10, that has settled by the next
morning is generally acceptable.</li>
<li><strong>Build back gradually.</strong> Return to running with short, easy efforts, and
leave speed work until last.</li>
</ol>
<blockquote>
<p>A handy rule of thumb: it is fine to feel the muscle working, but not to feel it
complaining. If the pain is worse the next day, take a step back and go a little easier.</p>
</blockquote>
<h3>When to get it checked</h3>
<p>Please see a physiotherapist or your GP if you felt or heard a pop, if there is marked
bruising or a visible dent in the muscle, if you still cannot walk without limping after a few
days, or if you have pins and needles or pain spreading down the leg. Pain high up near the
sitting bone that does not settle should also be assessed, because injuries close to the
tendon attachment can need a different plan.</p>

<h2>Exercises to rebuild your hamstrings</h2>
<p>Strengthening is the backbone of recovery and your best protection against a repeat
strain. Start with the easier options and only move on when an exercise feels comfortable for
every set. The video below walks you through the first three.</p>
<p>[video]</p>
<h3>Glute bridge</h3>
<p>Lie on your back with your knees bent and feet flat. Push through your heels to lift your
hips until your body forms a straight line from shoulders to knees, pause, then lower slowly.
Aim for 3 sets of 10 to 12. When that is easy, try it on one leg.</p>
<h3>Bridge walk-outs</h3>
<p>From the top of a bridge, take three or four small steps with your heels away from you,
keeping your hips up, then walk them back in. That is one repetition; build up to 3 sets of 5.
This works the hamstrings at longer lengths in a controlled way.</p>
<h3>Romanian deadlift</h3>
<p>Stand tall holding a light weight, or a resistance band looped under your feet. With soft
knees, hinge forward from the hips, keeping your back long, until you feel a stretch at the
back of the thighs, then squeeze your glutes to stand up. Do 3 sets of 8 to 10, taking your
time on the way down.</p>
<h3>Banded hamstring curl</h3>
<p>Tie a band around a sturdy table leg and loop it round your ankle. Lying on your front,
bend your knee against the band, then lower it over a slow count of three. Do 3 sets of
12.</p>
<h3>Nordic curl (later stage)</h3>
<p>Kneel with your ankles anchored under a heavy sofa or held by a partner, and lower your
body forwards as slowly as you can, catching yourself with your hands. Nordic programmes have
a good track record for reducing hamstring injuries in team sports, but the exercise is tough
on a healing muscle, so save it until running feels normal again and start with just a few
repetitions.</p>

<h2>Stretching: helpful, but gently does it</h2>
<p>Stretching will not repair a strain on its own, and forceful stretching in the first week
can irritate it. Once the early pain has settled, gentle stretches can ease that tight feeling
and help you get your range back. Hold each one for 20 to 30 seconds, two or three times, and
keep it to a mild pull rather than pain.</p>
<ul>
<li><strong>Heel-on-step stretch:</strong> rest your heel on a low step, keep your back
straight and hinge forward from the hips until you feel a gentle stretch.</li>
<li><strong>Lying strap stretch:</strong> lie on your back and use a towel or band around the
foot to raise a straight leg until you feel the stretch.</li>
<li><strong>Seated reach:</strong> sit with one leg straight and the other bent, and reach
towards the toes of the straight leg without rounding your back too much.</li>
<li><strong>Leg swings:</strong> before a run, swing each leg forwards and back 10 to 15
times. Moving stretches like this suit a warm-up better than long holds.</li>
</ul>

<h2>A quick note on resistance bands</h2>
<p>Bands are a cheap, portable way to add load to your rehab, and most sets are colour-coded
by strength. The exact figures vary between brands and depend on how far you stretch the band,
but as a rough guide:</p>
<table>
<thead>
<tr><th>Band</th><th>Approximate resistance</th><th>Good for</th></tr>
</thead>
<tbody>
<tr><td>Light</td><td>2 to 5 kg</td><td>Early rehab, curls and warm-ups</td></tr>
<tr><td>Medium</td><td>5 to 10 kg</td><td>Banded bridges and most strengthening work</td></tr>
<tr><td>Heavy</td><td>10 to 18 kg</td><td>Romanian deadlifts and later-stage strength</td></tr>
</tbody>
</table>
<p>If in doubt, start lighter. You should be able to finish every repetition with good
control.</p>

<h2>Kit that can help your recovery</h2>
<p>None of the following will heal a strain by itself or replace the exercises above, but
plenty of runners find they make recovery more comfortable.</p>
<p>A <strong>foam roller</strong> is a good all-rounder. Slowly rolling the back of the thighs
for a minute or two can ease tightness once the initial soreness has passed. Beginners should
pick a smoother, softer roller.</p>
<p>A <strong>massage stick</strong> gives you more control over pressure than a roller and is
easy to use sitting down. It slips into a kit bag for race day, too.</p>
<p>A <strong>massage ball</strong> gets into smaller areas such as the glutes and the top of
the hamstrings. Sit on it gently and let your body weight do the work, rather than pressing
hard into anything that feels sharp.</p>
<p><strong>Kinesiology tape</strong> will not hold a torn muscle together, but some runners
like the sense of support and the reminder to take it steady. Apply it to clean, dry skin and
remove it if you notice any irritation.</p>
<p>A reusable <strong>hot/cold pack</strong> covers both ends of recovery: cold in the first
couple of days to settle soreness, and gentle warmth later on to help the muscle feel looser
before your exercises. Always wrap it in a cloth rather than putting it straight on the
skin.</p>
<p>Finally, <strong>recovery creams</strong> and warming or cooling balms can make self-massage
more pleasant and offer short-term relief from aches. Think of them as a comfort rather than a
treatment, and check the ingredients if you have sensitive skin.</p>

<h2>Getting back to running</h2>
<p>As a rough guide, try an easy run once brisk walking is pain-free and single-leg bridges
feel comfortable. Start with run-walk intervals on flat ground and leave hills and strides
until you have had a couple of good weeks. Our <a href="/topics/training/">training
articles</a> can help you plan the build-up.</p>
<p>Be patient, keep up the strength work even once the leg feels fine, and you will give
yourself the best chance of staying on the road. If you would like a hand, pop in for a chat
with our team; we are always happy to talk hamstrings.</p>
"""


CALF_BODY = """
<p>A calf strain often feels as though someone has flicked a stone at the back of your leg.
One moment you are running along happily, the next you are hobbling. It is particularly common
in runners from their late thirties onwards, and it has a habit of appearing on hills, during
faster sessions or towards the end of a long run.</p>

<h2>Why calves get strained</h2>
<p>Your calf muscles absorb and return a surprising amount of force on every stride, several
times your body weight. Problems tend to arrive when that load changes quickly:</p>
<ul>
<li>adding hills, speed work or extra runs in a short space of time;</li>
<li>coming back after a break and picking up where you left off;</li>
<li>switching to lower, lighter or more minimal shoes without a transition period;</li>
<li>running on tired legs, late in a session or after a poor night's sleep;</li>
<li>a previous calf strain, which makes another one more likely.</li>
</ul>

<h2>The first few days</h2>
<p>Stop running and walk home if you can. For the first two or three days, keep the leg moving
gently without pushing into pain. Short, comfortable walks are usually fine, and a wrapped cold
pack can help with soreness. If you cannot put weight through the leg, if there is a lot of
swelling, or if the calf feels hot and tender without an obvious strain, please get it checked
by a health professional promptly.</p>

<h2>Rebuilding strength</h2>
<p>Calf raises are the staple of rehab. Work through these stages, moving on only when the
current one feels easy for 3 sets:</p>
<ol>
<li>Double-leg calf raises on the floor, 15 to 20 slow repetitions.</li>
<li>Bent-knee calf raises, which target the deeper soleus muscle that does a lot of work in
running.</li>
<li>Single-leg calf raises on the floor, then off the edge of a step, lowering slowly.</li>
<li>Gentle hopping and skipping on the spot, to get the muscle used to springier work.</li>
</ol>
<p>Many physios like to see you manage around 20 smooth single-leg raises on the injured side
before you try running again. It is a useful benchmark rather than a strict rule.</p>

<h2>Returning to running</h2>
<p>Start on flat ground with run-walk intervals, and keep the pace easy. Leave hills and speed
for a couple of weeks, and keep your calf raises going twice a week even once you are back to
normal. Our piece on <a href="/topics/injuries/">injuries and recovery</a> has more on building
back after time off.</p>
<blockquote>
<p>A calf that has been strained once likes to be strong. Ten minutes of raises twice
a week is a small price to pay.</p>
</blockquote>
"""


SHIN_BODY = """
<p>Shin splints is the everyday name for pain along the inner edge of the shinbone. It is one
of the first niggles many new runners meet, and it is usually a sign that the lower leg is
being asked to do more than it is ready for, rather than a sign that you are not built for
running.</p>

<h2>What it feels like</h2>
<p>Typically there is a diffuse ache or tenderness along a stretch of several centimetres on
the inside of the lower shin. It often hurts at the start of a run, eases as you warm up, then
returns afterwards or the next morning. Both legs can be affected.</p>

<h2>Why it happens</h2>
<p>The commonest trigger is a quick rise in running: more runs, longer runs, or a switch to
harder surfaces. Other factors that may play a part include tired or weak calf muscles, a long
over-striding gait, worn-out shoes and a history of previous shin pain. In most cases it is a
combination rather than one single cause.</p>

<h2>What helps</h2>
<ul>
<li><strong>Trim the load, rather than stopping completely.</strong> Cutting back on distance
and frequency, or swapping some runs for cycling or swimming, often lets things settle.</li>
<li><strong>Build calf and foot strength.</strong> Calf raises, bent-knee raises and simple
balance work help the lower leg cope with impact.</li>
<li><strong>Mix up your surfaces.</strong> Trails, grass and park paths are kinder than
pavement for a while.</li>
<li><strong>Check your shoes.</strong> If they are well past their best, a fresh pair that
feels comfortable is worth considering.</li>
<li><strong>Shorten your stride slightly.</strong> A small increase in cadence can reduce
how hard each step lands.</li>
</ul>

<h2>When it might be something else</h2>
<p>Pain that is sharp and focused on one small spot, pain that hurts when walking or at night,
or pain that keeps getting worse despite resting can suggest a bone stress injury. That needs
assessment by a physiotherapist or GP, so please do not try to run through it.</p>
<p>Most cases settle well with patience and a gradual build-up. For more ideas, see our
<a href="/topics/training/">training</a> articles on easing into running.</p>
"""


FIVE_K_BODY = """
<p>Running your first 5 km is a brilliant goal, and it is more achievable than most people
think. The secret is to start with short bursts of running mixed with walking, then let your
body adapt gradually. This plan takes eight weeks, with three sessions a week, and every
session lasts around 25 to 30 minutes including a warm-up.</p>

<h2>Before you start</h2>
<ul>
<li>Begin each session with five minutes of brisk walking and end with five minutes of easy
walking.</li>
<li>Run at a chatty pace: you should be able to talk in short sentences. If you cannot, slow
down.</li>
<li>Leave at least one rest day between sessions.</li>
<li>If you have a health condition or have been inactive for a long time, check in with your
GP first.</li>
</ul>

<h2>The plan</h2>
<table>
<thead>
<tr><th>Week</th><th>Main session (repeat three times in the week)</th></tr>
</thead>
<tbody>
<tr><td>1</td><td>Run 1 minute, walk 90 seconds, eight times</td></tr>
<tr><td>2</td><td>Run 90 seconds, walk 90 seconds, six times</td></tr>
<tr><td>3</td><td>Run 2 minutes, walk 1 minute, six times</td></tr>
<tr><td>4</td><td>Run 3 minutes, walk 90 seconds, five times</td></tr>
<tr><td>5</td><td>Run 5 minutes, walk 2 minutes, three times</td></tr>
<tr><td>6</td><td>Run 8 minutes, walk 2 minutes, twice, then run 5 minutes</td></tr>
<tr><td>7</td><td>Run 12 minutes, walk 2 minutes, run 10 minutes</td></tr>
<tr><td>8</td><td>Run 20 to 30 minutes, with walk breaks whenever you need them</td></tr>
</tbody>
</table>
<p>It is completely fine to repeat a week. Plenty of runners do, and it is far better than
pushing on while your legs are still catching up. Walk breaks are not cheating, either; they
are a proper strategy used by runners of every level.</p>

<h2>Making it stick</h2>
<p>Put your sessions in your diary like any other appointment, and find a loop that feels safe
and pleasant. Running with a friend, or joining a beginners' group, makes a huge difference on
drizzly evenings. A comfortable pair of running shoes helps too; our
<a href="/topics/gear/">gear guides</a> explain what to look for.</p>

<h2>Race day</h2>
<p>A free, timed 5 km event on a Saturday morning, such as your local parkrun, is a lovely
place to finish the plan. Start near the back, go off gently, and walk whenever you need to.
Everyone there remembers their first one.</p>
<blockquote>
<p>You do not have to be fast to be a runner. You just have to keep turning up.</p>
</blockquote>
"""


TAPER_BODY = """
<p>After months of long runs and early alarms, the final few weeks before a marathon can feel
strange. You are asked to do less, and your body responds by feeling sluggish, twitchy or
suddenly full of mysterious aches. Welcome to the taper. Handled well, it is where all that
training turns into fitness you can actually use on the day.</p>

<h2>Why taper at all?</h2>
<p>Hard training builds fitness, but it also leaves you carrying fatigue. Reducing the amount
of running for a couple of weeks lets your muscles repair, your energy stores top up and your
legs freshen, while the fitness you have built hangs around for much longer than that.</p>

<h2>A simple two to three week taper</h2>
<ul>
<li><strong>Three weeks out:</strong> do your last long run, then cut your weekly distance by
around a fifth.</li>
<li><strong>Two weeks out:</strong> reduce the week to roughly two-thirds of your peak, with a
moderate long run of 90 minutes or so.</li>
<li><strong>Race week:</strong> run about half your usual distance, mostly easy, with a few
short efforts at marathon pace early in the week to keep your legs sharp.</li>
</ul>
<p>Keep running on most of the days you normally would, just for less time. Dropping runs
altogether tends to leave people feeling stale rather than rested.</p>

<h2>What to expect</h2>
<p>Phantom niggles are extremely common in a taper. A knee that has never complained suddenly
aches; a calf feels tight on the stairs. Most of these are simply your brain paying closer
attention while you have more spare time. If something hurts during a run or affects how you
move, get it looked at, but do not panic about every twinge.</p>

<h2>Eating and sleeping</h2>
<p>You do not need to eat vast amounts, but in the last two or three days it helps to make
carbohydrate a bigger share of your meals: rice, pasta, potatoes, bread and porridge. Stick to
foods you know agree with you. Sleep matters more than almost anything else this week, and the
night before the race is less important than the few nights leading up to it.</p>
<p>Trust the training you have done. For more on race preparation, head to our
<a href="/topics/training/">training</a> section, and have a look at our guide to fuelling long
runs in <a href="/topics/nutrition/">nutrition</a>.</p>
"""


CADENCE_BODY = """
<p>Cadence is simply the number of steps you take per minute. It has become a popular number
to track, thanks largely to running watches, and you will often hear that 180 is the magic
figure. The reality is more nuanced, and for many runners small changes are more useful than
chasing a target.</p>

<h2>Where did 180 come from?</h2>
<p>The figure came from watching elite runners at race pace. Faster running naturally raises
cadence, so it is no surprise that elites sat around that number. For most of us, at easy
paces, a cadence somewhere between the mid-150s and the 170s is perfectly normal. Height, leg
length and speed all affect what is natural for you.</p>

<h2>Why it can still be worth a look</h2>
<p>If you tend to over-stride, landing with your foot well ahead of your body, a slightly
quicker step usually brings the foot down closer to your centre of mass. Research suggests
that a modest increase, around 5 to 10 per cent, may reduce the load on the knees and hips
with each step. That can be helpful for some runners dealing with knee pain or
<a href="/topics/injuries/">shin splints</a>, although it is not a cure on its own.</p>

<h2>How to measure it</h2>
<ol>
<li>On an easy run, count every time your right foot lands for 30 seconds.</li>
<li>Multiply by four to get steps per minute.</li>
<li>Repeat on a couple of different runs, because it varies with pace and terrain.</li>
</ol>
<p>Most running watches will also give you a figure, which is handy for tracking trends.</p>

<h2>How to change it gently</h2>
<ul>
<li>Aim for no more than a 5 per cent increase to begin with.</li>
<li>Use a metronome app or a playlist at the right tempo for short blocks of a few minutes
during easy runs.</li>
<li>Think <em>quick, light feet</em> rather than shorter steps, which can feel awkward.</li>
<li>Give it several weeks. It will feel odd at first, then gradually become normal.</li>
</ul>
<p>If your running feels comfortable and you are injury-free, there is no need to change
anything. Cadence is a tool, not a test.</p>
"""


GAIT_BODY = """
<p>Plenty of people are a little nervous before their first gait analysis, half expecting to
be told they run "wrong". Please do not worry. It is really a structured chat and a chance to
try on shoes properly, with a bit of video to help us spot what is going on.</p>

<h2>What actually happens</h2>
<ol>
<li><strong>A conversation.</strong> We will ask how often and how far you run, the surfaces
you use, any races you have planned and any injuries you have had.</li>
<li><strong>A look at your feet and old shoes.</strong> Wear patterns on a pair you have run
in can tell us a surprising amount.</li>
<li><strong>A short run on the treadmill.</strong> We film your feet and lower legs for a
minute or so, first in neutral shoes, then play it back in slow motion with you.</li>
<li><strong>Trying shoes.</strong> Based on what we see and what you have told us, you try
several pairs, ideally with a run in each.</li>
</ol>

<h2>Pronation is normal</h2>
<p>You may see your foot roll inwards a little as it lands. That movement, called pronation,
is a normal part of how the foot absorbs shock. Some runners roll in more than others, and
some prefer shoes with a little extra support, but a large amount of pronation is not
automatically a problem and a small amount is certainly nothing to fix.</p>

<h2>Comfort comes first</h2>
<p>The best evidence we have suggests that a shoe that feels comfortable to you is a very good
starting point. That is why we always want you to run in the shoes, not just stand in them. If
a pair feels great on the treadmill but pinches when you try it on the pavement outside, tell
us.</p>

<h2>What to bring</h2>
<ul>
<li>Your current running shoes, however tired they look.</li>
<li>The socks you usually run in.</li>
<li>Shorts or leggings you can move in comfortably.</li>
<li>Any insoles or orthotics you already use.</li>
</ul>
<p>Appointments take about 45 minutes and there is no obligation to buy. You can read more
about choosing kit in our <a href="/topics/gear/">gear</a> section.</p>
"""


REPLACE_SHOES_BODY = """
<p>Running shoes do not come with a use-by date, which is why "how long should these last?" is
one of the questions we are asked most in the shop. There is no single answer, but there are
some reliable signs that a pair is ready to retire.</p>

<h2>The rule of thumb</h2>
<p>Most road shoes are designed to last somewhere between 500 and 800 km. Lighter racing
shoes may feel flat sooner, while heavier, more durable trainers can go further. Your weight,
your running style and the surfaces you use all make a difference, so treat the range as a
prompt to check rather than a deadline.</p>

<h2>Signs it is time for a new pair</h2>
<ul>
<li>The midsole foam has deep creases or looks squashed on one side.</li>
<li>The outsole rubber has worn through to the foam in places.</li>
<li>The heel counter has gone soft, or the upper has holes that let your foot move
around.</li>
<li>The shoes feel flat and lifeless compared with how they felt when new.</li>
<li>You notice new aches in your feet, shins or knees with no other obvious cause.</li>
</ul>

<h2>Making them last</h2>
<p>Undo the laces rather than kicking shoes off at the heel, and let wet shoes dry naturally
with some newspaper inside, away from radiators. Keeping your running shoes for running, rather
than all-day wear, also helps.</p>
<p>If you run most days, having two pairs on the go is worth considering. Rotating them gives
each pair time to dry out, and many runners like the variety. Keeping a note of your distance,
either on a watch app or in a diary, takes the guesswork out of when to replace them.</p>

<h2>What to do with the old ones</h2>
<p>A retired pair makes a perfectly good gardening or dog-walking shoe. If they are truly worn
out, ask us about shoe recycling; we collect old pairs in store.</p>
<table>
<thead>
<tr><th>Shoe type</th><th>Typical lifespan</th></tr>
</thead>
<tbody>
<tr><td>Lightweight racing shoe</td><td>300 to 500 km</td></tr>
<tr><td>Everyday road trainer</td><td>500 to 800 km</td></tr>
<tr><td>Trail shoe</td><td>500 to 800 km, depending on terrain</td></tr>
</tbody>
</table>
<p>Not sure whether your shoes have more miles in them? Bring them in and we will take an
honest look. For more on choosing a replacement, see our <a href="/topics/gear/">gear</a>
guides.</p>
"""


FUELLING_BODY = """
<p>Once your long runs stretch beyond an hour and a half or so, what you eat and drink on the
move starts to matter. Getting it right can be the difference between a strong finish and the
dreaded feeling of running through treacle. The good news is that fuelling is a skill, and like
any skill it improves with practice.</p>

<h2>Do you need to fuel at all?</h2>
<p>For easy runs under about 75 minutes, most people are fine with a normal meal a couple of
hours beforehand and water afterwards. Beyond that, your stored carbohydrate starts to run
low, and topping it up helps you keep going at a steady effort.</p>

<h2>How much and how often</h2>
<p>A common starting point is around 30 to 60 grams of carbohydrate per hour, beginning
roughly 30 to 45 minutes into the run and then taking small amounts regularly. Some
experienced marathoners train their stomachs to handle more, but there is no need to start
there. Little and often tends to sit better than a lot at once.</p>

<h2>Choosing your fuel</h2>
<table>
<thead>
<tr><th>Option</th><th>Pros</th><th>Things to consider</th></tr>
</thead>
<tbody>
<tr><td>Energy gels</td><td>Compact, quick to take, measured amounts</td><td>Some need water
with them; textures and flavours vary a lot</td></tr>
<tr><td>Energy chews</td><td>Easy to take in small bites</td><td>Need chewing, which is harder
at faster paces</td></tr>
<tr><td>Jelly sweets or dried fruit</td><td>Cheap and familiar</td><td>Harder to measure;
dried fruit can be hard on some stomachs</td></tr>
<tr><td>Sports drink</td><td>Fuel and fluid together</td><td>Bulky to carry on longer
runs</td></tr>
</tbody>
</table>

<h2>Drinking</h2>
<p>On most long runs in the UK, drinking to thirst works well. In warm weather, or if you are
a salty sweater with white marks on your kit, adding electrolytes can help. Drinking far more
than you need is not helpful either, so there is no need to force it down.</p>

<h2>Practise, practise, practise</h2>
<p>Use your long training runs to test exactly what you plan to use on race day, including the
brand, the flavour and the timing. Stomachs adapt with practice, and discovering that a gel
disagrees with you is far better at mile eight of a Sunday run than at mile eighteen of your
marathon.</p>
<blockquote>
<p>Nothing new on race day: not the gel, not the breakfast, not the socks.</p>
</blockquote>
<p>If you have a medical condition such as diabetes, or a history of digestive problems, speak
to your GP or a registered dietitian before making big changes. More ideas for race
preparation are in our <a href="/topics/training/">training</a> section.</p>
"""


ARTICLES = [
    {
        "title": "Hamstring strains in runners: causes, recovery and exercises that help",
        "slug": "hamstring-strains-in-runners",
        "topic": "injuries",
        "tags": ["hamstrings", "recovery", "strength", "stretching"],
        "author": "dipika",
        "lead": (
            "A sudden, grabbing pain at the back of the thigh can stop a run in its tracks. "
            "Here is why hamstrings get strained, what to do in the first few days and how "
            "to rebuild strength so you come back running more robustly."
        ),
        "body": HAMSTRING_BODY,
        "faqs": [
            (
                "How long does a hamstring strain take to heal?",
                "It varies a lot. Mild strains often settle in one to three weeks, while "
                "moderate ones can take four to eight weeks or longer. It is better to judge "
                "progress by what you can do comfortably than by the calendar.",
            ),
            (
                "Should I stretch a pulled hamstring?",
                "Avoid hard stretching for the first few days. Once the early pain has eased, "
                "gentle stretches that give a mild pull, not pain, are fine alongside your "
                "strengthening exercises.",
            ),
            (
                "Can I keep running with a mild hamstring strain?",
                "Not on a fresh strain. Once walking is pain-free and you can do the early "
                "exercises comfortably, short, easy run-walk sessions on flat ground are a "
                "sensible way back.",
            ),
            (
                "Is ice or heat better?",
                "Many people find cold helpful for soreness in the first couple of days and "
                "gentle warmth more comfortable later on. Neither is essential; movement and "
                "gradual strengthening matter far more.",
            ),
            (
                "How can I stop it coming back?",
                "Keep up hamstring and glute strength work twice a week, including eccentric "
                "exercises such as Nordic curls once you are ready, warm up before faster "
                "sessions and add speed work gradually.",
            ),
        ],
        "featured": True,
        "status": "published",
        "days_ago": 12,
        "reviewed_by": "Marcus Bell, MCSP physiotherapist",
        "video_url": "https://www.youtube.com/watch?v=Qm4vT8rHkLs",
        "hero_alt": (
            "Illustration of a runner leaning into the bend of an orange athletics track "
            "under an evening sky, with floodlights and a low sun behind the stands."
        ),
        "hero_palette": ("#1f4e79", "#f28c38"),
        "hero_motif": "track",
    },
    {
        "title": "Calf strains: why they happen and how to get back running",
        "slug": "calf-strains-getting-back-running",
        "topic": "injuries",
        "tags": ["calves", "recovery", "strength"],
        "author": "dipika",
        "lead": (
            "Calf strains love hills, speed sessions and tired legs. Here is how to look after "
            "one in the first few days and rebuild the strength to stop it happening again."
        ),
        "body": CALF_BODY,
        "faqs": [
            (
                "Is it a calf strain or an Achilles problem?",
                "A calf strain is usually felt in the muscle belly, higher up the back of the "
                "leg, and often comes on suddenly. Achilles pain sits lower down in the tendon "
                "above the heel and tends to build gradually. A physio can help you tell them "
                "apart.",
            ),
            (
                "Do compression socks help?",
                "Some runners find them comfortable during recovery, and there is no harm in "
                "trying them. They are not a substitute for strengthening work.",
            ),
        ],
        "featured": False,
        "status": "published",
        "days_ago": 20,
        "reviewed_by": "",
        "video_url": "",
        "hero_alt": (
            "Illustration of a runner on a winding sandy path over layered green hills, "
            "with a pale sun and a few birds in the sky."
        ),
        "hero_palette": ("#2e6b4f", "#f3c77a"),
        "hero_motif": "hills",
    },
    {
        "title": "Shin splints: what is going on and what actually helps",
        "slug": "shin-splints-what-helps",
        "topic": "injuries",
        "tags": ["shin splints", "beginners", "recovery", "strength"],
        "author": "dipika",
        "lead": (
            "Aching shins are one of the first hurdles many new runners meet. The usual cause "
            "is doing a little too much too soon, and the fix is rarely complete rest."
        ),
        "body": SHIN_BODY,
        "faqs": [
            (
                "Do I have to stop running completely?",
                "Not always. Many people can keep running at a reduced level, as long as the "
                "pain stays mild and does not get worse from week to week.",
            ),
            (
                "Will new shoes fix shin splints?",
                "Shoes that are worn out or uncomfortable can contribute, so replacing them may "
                "help, but managing your training load and building strength matter more.",
            ),
        ],
        "featured": False,
        "status": "draft",
        "days_ago": 2,
        "reviewed_by": "Marcus Bell, MCSP physiotherapist",
        "video_url": "",
        "hero_alt": (
            "Illustration of a runner on a straight tree-lined road stretching towards a "
            "setting sun, with a dashed centre line."
        ),
        "hero_palette": ("#3a3f58", "#e76f51"),
        "hero_motif": "road",
    },
    {
        "title": "Your first 5 km: an eight-week plan for complete beginners",
        "slug": "first-5k-eight-week-plan",
        "topic": "training",
        "tags": ["beginners", "5k", "parkrun"],
        "author": "grace",
        "lead": (
            "Three short sessions a week, a lot of walking to begin with and a finish line at "
            "the end. This friendly run-walk plan takes you from the sofa to 5 km in eight "
            "weeks."
        ),
        "body": FIVE_K_BODY,
        "faqs": [
            (
                "What if I cannot finish a session?",
                "That is fine. Walk the rest, then repeat that session or week next time. "
                "Progress is rarely a straight line.",
            ),
            (
                "Do I need special running shoes to start?",
                "You can start in any comfortable trainers, but a pair designed for running, "
                "fitted properly, usually makes the sessions more comfortable as you build up.",
            ),
            (
                "How fast should I be going?",
                "Slowly enough to talk in short sentences. Speed comes later; for now the aim "
                "is to build the habit and let your body adapt.",
            ),
        ],
        "featured": True,
        "status": "published",
        "days_ago": 30,
        # A staff reviewer, and a review more than a year old: overdue on the dashboard.
        "reviewer": "dipika",
        "reviewed_days_ago": 400,
        "video_url": "https://www.youtube.com/watch?v=bR7nW2xJd0E",
        "hero_alt": (
            "Illustration of a runner on a golden trail winding through a pine forest, with a "
            "large pale sun above the treetops."
        ),
        "hero_palette": ("#264653", "#e9c46a"),
        "hero_motif": "trail",
    },
    {
        "title": "Marathon taper: how to ease off without losing fitness",
        "slug": "marathon-taper-guide",
        "topic": "training",
        "tags": ["marathon", "recovery", "race day"],
        "author": "grace",
        "lead": (
            "The last few weeks before a marathon are about doing less, and doing it well. "
            "Here is a simple taper, plus what to expect when your legs start playing tricks "
            "on you."
        ),
        "body": TAPER_BODY,
        "faqs": [
            (
                "Will I lose fitness if I run less for three weeks?",
                "No. Fitness built over months fades much more slowly than fatigue, which is "
                "exactly why a taper works.",
            ),
            (
                "Should I still do speed work?",
                "A few short efforts at marathon pace help you stay sharp, but keep them brief "
                "and leave plenty of recovery.",
            ),
        ],
        "featured": False,
        "status": "published",
        "days_ago": -3,
        "reviewed_by": "",
        "video_url": "",
        "hero_alt": (
            "Illustration of a lone runner on a long road heading towards the horizon at dusk, "
            "with trees on either side and a bright orange centre line."
        ),
        "hero_palette": ("#14213d", "#fca311"),
        "hero_motif": "road",
    },
    {
        "title": "Cadence: should you really be counting your steps?",
        "slug": "running-cadence-explained",
        "topic": "training",
        "tags": ["cadence", "technique", "beginners", "shin splints"],
        "author": "grace",
        "lead": (
            "The famous 180 steps per minute is not a target for everyone. Here is what "
            "cadence really tells you, how to measure it and how to nudge it up gently if it "
            "would help."
        ),
        "body": CADENCE_BODY,
        "faqs": [
            (
                "Is a low cadence bad?",
                "Not in itself. It only matters if it comes with over-striding or if you are "
                "managing an injury that may benefit from a lighter, quicker step.",
            ),
            (
                "Does cadence change with speed?",
                "Yes. Most runners take quicker steps as they speed up, so always compare "
                "cadence at similar paces.",
            ),
        ],
        "featured": False,
        "status": "published",
        "days_ago": 45,
        "reviewed_by": "",
        "video_url": "https://www.youtube.com/watch?v=Zt3kP9cVa6Y",
        "hero_alt": (
            "Illustration of a runner on the curve of an athletics track, with white lane "
            "lines sweeping across a violet and orange scene."
        ),
        "hero_palette": ("#3c1a6e", "#ff9e00"),
        "hero_motif": "track",
    },
    {
        "title": "What happens at a gait analysis (and what it cannot tell you)",
        "slug": "what-happens-at-a-gait-analysis",
        "topic": "gear",
        "tags": ["shoes", "gait analysis", "beginners"],
        "author": "tom",
        "lead": (
            "A gait analysis is a relaxed chat, a short treadmill run and a proper chance to "
            "try shoes. Here is what to expect, what to bring and why comfort matters most."
        ),
        "body": GAIT_BODY,
        "faqs": [
            (
                "Do I need to be a fast or experienced runner?",
                "Not at all. We see complete beginners every day, and walking pace on the "
                "treadmill is fine if you are not running yet.",
            ),
            (
                "Is there a charge?",
                "The analysis is free, and there is no obligation to buy anything.",
            ),
            (
                "Will you tell me I need support shoes?",
                "Only if it seems to help. Many runners who roll inwards are perfectly happy "
                "in neutral shoes, and we will always let comfort guide the choice.",
            ),
        ],
        "featured": False,
        "status": "published",
        "days_ago": 60,
        "reviewed_by": "",
        "video_url": "",
        "hero_alt": (
            "Illustration of a turquoise running shoe with a white midsole against a deep "
            "teal background, with speed lines trailing behind it."
        ),
        "hero_palette": ("#0b3954", "#52d1dc"),
        "hero_motif": "shoe",
    },
    {
        "title": "When should you replace your running shoes?",
        "slug": "when-to-replace-running-shoes",
        "topic": "gear",
        "tags": ["shoes", "marathon", "beginners"],
        "author": "tom",
        "lead": (
            "There is no use-by date on running shoes, but there are clear signs when a pair "
            "has done its job. Our fitters explain what to look for and how to make shoes "
            "last."
        ),
        "body": REPLACE_SHOES_BODY,
        "faqs": [
            (
                "Can I tell from the outside if my shoes are worn out?",
                "Often, yes: look for creased or squashed midsoles and bald patches on the "
                "outsole. But the way they feel on the run is just as important.",
            ),
            (
                "Is it worth having two pairs?",
                "If you run four or more times a week, rotating two pairs can help each dry out "
                "properly and may make both last a little longer.",
            ),
        ],
        "featured": False,
        "status": "published",
        "days_ago": 75,
        "reviewed_by": "",
        "video_url": "",
        "hero_alt": (
            "Illustration of a golden-yellow running shoe with a chunky white sole on a deep "
            "red background, with speed lines behind it."
        ),
        "hero_palette": ("#6a040f", "#ffba08"),
        "hero_motif": "shoe",
    },
    {
        "title": "Fuelling long runs: gels, chews and real food",
        "slug": "fuelling-long-runs",
        "topic": "nutrition",
        "tags": ["nutrition", "hydration", "marathon", "long runs"],
        "author": "grace",
        "lead": (
            "Once runs go beyond about 90 minutes, fuelling on the move starts to matter. Here "
            "is how much to take, when to take it and how to find what suits your stomach."
        ),
        "body": FUELLING_BODY,
        "faqs": [
            (
                "When should I take my first gel?",
                "Around 30 to 45 minutes into a long run is a common starting point, then "
                "regularly after that. Practise the timing in training.",
            ),
            (
                "Do I need electrolyte tablets?",
                "For most runs in cool weather, water is enough. On hot days or very long "
                "runs, or if you sweat heavily, electrolytes can be worth adding.",
            ),
            (
                "Can I use normal food instead of gels?",
                "Yes. Jelly sweets, bananas, dates and small sandwiches all work for some "
                "runners. The key is finding what your stomach tolerates at running pace.",
            ),
        ],
        "featured": False,
        "status": "published",
        "days_ago": 8,
        "reviewed_by": "Priya Nair, registered dietitian",
        "video_url": "",
        "hero_alt": (
            "Illustration of a translucent sports water bottle half full of blue water, "
            "surrounded by droplets and ripples on a teal background."
        ),
        "hero_palette": ("#005f73", "#94d2bd"),
        "hero_motif": "bottle",
    },
]

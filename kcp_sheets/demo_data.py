"""The demo's sample answers, as data: the words clusters and the steering group
wrote in the Kensington and Chelsea Partnership's review papers, which the
simulated returns pick from (kcp_sheets.demo)."""

from __future__ import annotations

PROGRESS = {
    5: [
        "Achieved: {lead} confirm the work is complete and the target met.",
        "Completed on time; monitoring shows the outcome achieved.",
        "Done, and now part of {lead}'s normal service.",
    ],
    4: [
        "Largely achieved; the last stage is due in the summer.",
        "On track: most of the work is done and the indicator is improving.",
        "Good progress; {lead} expect to finish by September.",
    ],
    3: [
        "Partly achieved: started, but delayed by staff changes at {lead}.",
        "Some progress; funding for the second phase is not yet agreed.",
        "Half of the planned work is done.",
    ],
    2: [
        "Little progress: awaiting agreement between partners.",
        "Delayed: the site has not been secured.",
        "Consultation held but no action since.",
    ],
    1: [
        "Not started: {lead} has had no resources for it this year.",
        "Not achieved; the project was withdrawn.",
        "No progress recorded by the lead partner.",
    ],
}
WHY = [
    "Funding ended before the work could start; look for mainstream funding.",
    "Lead officer left and was not replaced; the cluster to nominate a new lead.",
    "Target was unrealistic for one year; revise it in the new Community Strategy.",
    "Partners could not agree the approach; champion to broker a meeting.",
]
# Actions for improvement as clusters might write them (seeds/000 Annex A, seeds/004):
# each is used once, so no two clusters send the same.
IMPROVEMENT = [
    (
        "Agree a named lead officer for every outstanding action",
        "End June 2004",
        "Cluster co-ordinators",
        "Time at the Strategies Implementation Group",
        "Standing item at SIG meetings",
    ),
    (
        "Bid for mainstream funding to continue the NRF-funded projects that worked",
        "September 2004",
        "NRF programme manager",
        "Advice on mainstreaming",
        "Briefing from the Council's finance team",
    ),
    (
        "Revise the cluster's targets for the new Community Strategy",
        "July 2004",
        "Cluster champions",
        "Baseline data for each indicator",
        "Research team to provide ward data",
    ),
    (
        "Hold a joint meeting of partners on the actions that stalled",
        "Ongoing",
        "Cluster champions",
        "A venue and facilitation",
        "Partnership support officer to arrange",
    ),
    (
        "Develop a health impact assessment for one pilot project of the cluster",
        "March 2005",
        "Primary Care Trust public health team",
        "Training in health impact assessment",
        "PCT to run a half-day session",
    ),
    (
        "Address the needs of the 19-25 age group in the cluster's next plan",
        "December 2004",
        "Connexions Kensington and Chelsea",
        "Data on young adults by ward",
        "Research team to provide figures",
    ),
    (
        "Use the Carnival to widen cultural and learning opportunities",
        "August 2004",
        "Carnival Trust",
        "Volunteers on the day",
        "Community Empowerment Network to recruit",
    ),
    (
        "Join up the estates' caretaking and street cleansing rotas",
        "October 2004",
        "Kensington and Chelsea TMO",
        "A shared map of duties",
        "Waste Management to share its rounds",
    ),
    (
        "Publish the cluster's achievements in the Annual Report",
        "September 2004",
        "Cluster co-ordinators",
        "Photographs and case studies",
        "Communications officer to edit",
    ),
    (
        "Agree one cross-cutting target on disability access with the Disability Forum",
        "March 2005",
        "Action Disability Kensington and Chelsea",
        "An access audit of partners' buildings",
        "Funded from the NRF programme",
    ),
    (
        "Set up a residents' panel question on the cluster's main outcome",
        "November 2004",
        "Research and Information team",
        "Two questions on the autumn panel",
        "Research team to add them",
    ),
    (
        "Bring voluntary sector providers into the cluster's delivery group",
        "July 2004",
        "Kensington and Chelsea Social Council",
        "Invitations and a venue",
        "Social Council to convene",
    ),
]
# Each cluster's review meeting (seeds/000 Annex A, Appendix 3): achievements,
# barriers and possible solutions, one set per cluster.
REVIEW_MEETING = [
    (
        "Street closure protocol in place on market days; satisfaction with street cleaning up in two wards.",
        "Structural problems with the Westway bridge; Railtrack's own timetable.",
        "A joint programme with Network Rail; the cluster champion to write to their director.",
    ),
    (
        "Stop-smoking groups running in three languages; 62 people quit for four weeks.",
        "Short-term NRF funding makes it hard to keep staff.",
        "Early bids for mainstream funding; posts shared between the PCT and the Council.",
    ),
    (
        "New social housing on two sites let to local families; rough sleeping down by a third.",
        "Land values; few sites in the north of the borough.",
        "Work with housing associations on infill sites; the Council's own land first.",
    ),
    (
        "Homework clubs open at three libraries; Carnival arts projects reached 400 young people.",
        "Staff turnover in youth services; schools' timetables.",
        "Named deputies for every lead; a termly meeting with head teachers.",
    ),
    (
        "Burglary down 12% in Golborne; wardens on four estates.",
        "Police staffing changes; data not shared between partners.",
        "A data-sharing protocol; the cluster to meet the Borough Commander twice a year.",
    ),
    (
        "Job brokerage placed 140 residents; a business forum meets every quarter.",
        "Employers want skills residents lack; childcare.",
        "Training linked to the vacancies the forum reports; childcare places with the Early Years team.",
    ),
    (
        "Community Empowerment Network now has 80 member groups.",
        "Groups' capacity to take part; meeting times.",
        "Evening meetings; a small grants fund for taking part.",
    ),
]
# Last year's accreditation actions not achieved: notes as the steering group
# wrote them in seeds/004's "current situation", and who will lead them now.
ACCREDITATION_NOTES = [
    "Continues with present policy; venues for the rest of the year still to book.",
    "Started, but overtaken by the new Community Strategy timetable.",
    "Compact approved in draft; the final version waits for the updated terms of reference.",
    "Done for steering group meetings but not yet for the sub-groups.",
    "Sessions held on equalities and disability awareness; sustainable development to follow.",
    "Not started: the support officer post was vacant for four months.",
    "Deferred by the steering group to the next Community Strategy.",
    "Indicators poorly defined and no central data bank.",
    "Last year's Annual Report delayed by staff shortage.",
    "More work now done by the Agenda Planning sub-group; this will continue.",
]
ACCREDITATION_LEADS = [
    "Helen Kay, RBKC",
    "Agenda Planning sub-group",
    "Community Strategy sub-group",
    "Kensington and Chelsea Social Council",
    "Tony Redpath, RBKC",
]
SUPPORT = [
    ("Time on the steering group's agenda", "Agenda Planning sub-group to schedule it"),
    ("Officer time to draft", "Partnership support officer"),
    ("A small budget for venues", "From the partnership's running costs"),
    ("Advice from another LSP", "A visit arranged through the Regeneration Exchange"),
    ("Data from partners", "Research and Information team to collect it"),
    ("A facilitator for one meeting", "Social Council to provide one"),
]

# The partnership plan 2004/05 (seeds/004), by criterion: what the steering group
# really wrote. The simulated health review takes its evidence, progress and
# actions from here, one entry per sub-criterion, so no answer repeats.
PARTNERSHIP_PLAN = {
    "Strategic": [
        (
            "Compact approved in draft form in March 2004; terms of reference in use.",
            (
                "Community Strategy sub-group set up to oversee the new Community Strategy, "
                "incorporating the Neighbourhood Renewal Strategy."
            ),
            (
                "Redefine the aims of the partnership and reshape the terms of reference in the Community Strategy "
                "project plan"
            ),
            "Community Strategy sub-group",
            "July 2005",
        ),
        (
            "Neighbourhood Renewal Strategy targets reviewed by cluster in April and May 2004.",
            "Progress trackers kept for every cluster; NRF programme manager in post.",
            "Review membership and function of the Strategies Implementation Group",
            "Tony Redpath, RBKC",
            "July/August 2004",
        ),
        (
            "Cross-borough meeting of equalities officers from all organisations has met.",
            "Equalities issues from the steering group's work now reported back to it.",
            "Make recommendations to the steering group on the equalities issues arising from its work",
            "Kensington and Chelsea Social Council",
            "Ongoing",
        ),
        (
            "Terms of reference updated for the RSL housing representative and the vice-chair.",
            "At least half of all meetings held away from the town hall.",
            "Advertise meetings locally and book alternative venues for at least half of them",
            "Helen Kay, RBKC",
            "End March 2005",
        ),
    ],
    "Inclusive": [
        (
            "Sub-groups of the partnership have at least one third voluntary and community sector members.",
            "CEN meetings have a standing item on partnership business.",
            "Keep one third of every sub-group's members from the voluntary and community sector",
            "Community Empowerment Network",
            "Ongoing",
        ),
        (
            "ADKC's access study, funded by NRF, covers the whole Royal Borough.",
            "Extent to which partners meet the Disability Discrimination Act being assessed.",
            "Assess how far partner organisations fulfil the requirements of the Disability Discrimination Act",
            "Action Disability Kensington and Chelsea",
            "Ongoing",
        ),
        (
            "Website carries the key papers and is reviewed once a year.",
            "Draft agendas circulated to the Agenda Planning sub-group two weeks ahead.",
            "Develop a forward programme of steering group meetings to encourage people to come",
            "Agenda Planning sub-group",
            "From September 2004 meeting",
        ),
    ],
    "Action Focused": [
        (
            "All strategies and actions collated by cluster into progress trackers.",
            "Reviews of the Community and Neighbourhood Renewal Strategies took place in April and May 2004.",
            "Follow up the review of the Neighbourhood Renewal Strategy and adopt its key priorities",
            "Partnership support officer",
            "July 2004",
        ),
        (
            "NRF programme agreed for 2004/06.",
            "New areas of work proposed: voter turnout, Carnival, 19-25 year olds, health impact assessments.",
            "Agree the new areas of work for the current year",
            "Agenda Planning sub-group",
            "July 2004",
        ),
        (
            "Wornington Green redevelopment chosen as a practical joint project.",
            "Partners' collective effort shows on the ground in a few projects.",
            "Choose practical projects where the partners' collective effort can have tangible results",
            "Agenda Planning sub-group",
            "March 2005",
        ),
    ],
    "Performance Managed": [
        (
            "Indicators poorly defined and no central data bank.",
            "Targets in the Neighbourhood Renewal Strategy reviewed each year by cluster.",
            (
                "Develop the indicators of the Neighbourhood Renewal and Community Strategies for the next "
                "Community Strategy"
            ),
            "Ellie Hobart, RBKC",
            "July 2005",
        ),
        (
            "Progress against targets reviewed each March by the cluster co-ordinators.",
            "Equalities performance measures to follow from the equalities audit.",
            "Propose equalities performance measures for the steering group's work",
            "Kensington and Chelsea Social Council",
            "March 2005",
        ),
        (
            "Appropriateness of each action scored at the stage 2 cluster meetings.",
            "Statutory partners align business planning in their regular meetings.",
            "Consider how the steering group can join up existing partnerships on cross-cutting issues",
            "Steering group",
            "March 2005",
        ),
    ],
    "Efficient": [
        (
            "Agenda Planning sub-group reformatted meetings in June 2004.",
            "Current business items now first on the agenda; Government Office requirements second.",
            "Add a 'News and Views' slot at each meeting so partners can highlight links",
            "Helen Kay, Agenda Planning sub-group",
            "Start with July 2004 meeting",
        ),
        (
            "More work now done by the Agenda Planning sub-group; the PCT chief executive joins it.",
            "Steering group time freed from administrative business.",
            "Set up a way to make sure partners take account of neighbourhood renewal in their own business planning",
            "Community Strategy sub-group",
            "March 2005",
        ),
        (
            "Agendas of other LSPs that do not receive NRF studied.",
            "Actions agreed at meetings listed and followed up by the support officer.",
            "Learn from the agendas of other LSPs that do not receive NRF",
            "Helen Kay, RBKC",
            "November 2004",
        ),
    ],
    "Learning and Development": [
        (
            "Skills and Knowledge Action Plan agreed by RBKC and the Social Council for 2004/06.",
            "Three Regeneration Exchange events took place last year.",
            "Hold two Regeneration Exchange events in 2004/05 as part of the skills and knowledge work",
            "RBKC officer to be found",
            "March 2005",
        ),
        (
            "Agenda Planning sub-group agreed to attend other LSPs' meetings during the year.",
            "Steering group attended sessions on equalities, disability awareness and sustainable development.",
            "Organise at least one visit to another LSP and report back to the steering group",
            "Helen Kay, RBKC",
            "March 2005",
        ),
        (
            "Last year's Annual Report delayed by staff shortage.",
            "Some members gave their skills and interests at the awayday of September 2002.",
            "Conduct a short audit of the steering group's skills and interests",
            "Helen Kay, RBKC",
            "November 2004",
        ),
    ],
}
